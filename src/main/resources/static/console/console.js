// The alert-relay console: one page, hash routes, data from the relay's JSON API.
// Alerts are attacker-controlled text, so nothing here puts data into HTML: every string reaches the
// page through textContent (el() below), and the server's Content-Security-Policy forbids inline script.
'use strict';

(function () {
  const KEY = 'alert-relay.key';
  const ROLE = 'alert-relay.role';
  const REFRESH_MS = 30000;

  const state = {
    key: sessionStorage.getItem(KEY),
    role: sessionStorage.getItem(ROLE),
    charts: [],
    timer: null,
    generation: 0,
  };

  const HEALTH = {
    paused: { order: 0, label: 'Paused by its breaker' },
    failing: { order: 1, label: 'Failing' },
    dead_letters: { order: 2, label: 'Dead letters waiting' },
    ok: { order: 3, label: 'OK' },
    disabled: { order: 4, label: 'Disabled' },
  };

  const ERROR_TYPES = {
    client_error: 'the vendor refused the request (4xx)',
    server_error: 'the vendor failed (5xx)',
    rate_limited: 'the vendor rate-limited the relay',
    auth_error: 'the vendor refused the credentials',
    timeout: 'no answer in time',
    connection: 'could not connect',
    tls_error: 'TLS handshake failed',
    unconfirmed: 'sent, but the vendor did not confirm it',
    no_producer: 'nothing delivers this kind',
    config_error: "the channel's configuration is wrong",
    internal_error: 'the relay failed internally',
    unknown: 'unknown',
  };

  const COLORS = {
    sent: '#2e7d32', dead: '#c62828', accepted: '#1565c0', pending: '#ef6c00',
    p50: '#1565c0', p90: '#6a1b9a', p99: '#c62828',
  };
  const PALETTE = ['#c62828', '#ef6c00', '#6a1b9a', '#00838f', '#5d4037', '#455a64', '#ad1457', '#9e9d24', '#283593',
    '#00695c', '#4e342e', '#37474f'];

  // ---- DOM helpers: strings become text nodes, never markup ----

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(e.dataset, v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    append(e, children);
    return e;
  }

  function append(parent, children) {
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      parent.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  }

  // Element.replaceChildren would show a null child as the text "null"
  function fill(parent, ...children) {
    parent.replaceChildren();
    append(parent, children);
  }

  function link(hash, text, cls) {
    return el('a', { href: hash, class: cls }, text);
  }

  function route(...parts) {
    return '#/' + parts.map(encodeURIComponent).join('/');
  }

  function withQuery(hash, params) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== null && v !== undefined && v !== '') q.set(k, v);
    }
    const s = q.toString();
    return s ? hash + '?' + s : hash;
  }

  function when(iso) {
    if (!iso) return 'never';
    const t = new Date(iso);
    return t.toLocaleString() + ' (' + ago(t) + ')';
  }

  function ago(t) {
    const s = Math.round((Date.now() - t.getTime()) / 1000);
    if (s < 60) return s <= 1 ? 'just now' : s + ' s ago';
    if (s < 3600) return Math.round(s / 60) + ' min ago';
    if (s < 86400) return Math.round(s / 3600) + ' h ago';
    return Math.round(s / 86400) + ' d ago';
  }

  function badge(health) {
    const h = HEALTH[health] || { label: health };
    return el('span', { class: 'badge health-' + health, dataset: { health } }, h.label);
  }

  function statusBadge(status) {
    return el('span', { class: 'badge status-' + status, dataset: { status } }, status);
  }

  function dl(pairs) {
    const d = el('dl');
    for (const [k, v] of pairs) {
      if (v === null || v === undefined) continue;
      d.append(el('dt', {}, k), el('dd', {}, v));
    }
    return d;
  }

  function pretty(text, isJson) {
    if (!isJson || text === null || text === undefined) return text;
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch (notJson) {
      return text;
    }
  }

  // ---- API ----

  async function api(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (state.key) headers.Authorization = 'Bearer ' + state.key;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let response;
    try {
      // relative to /console/, so the console also works behind a proxy path prefix
      response = await fetch('../' + path, { method, headers, body, credentials: 'omit', cache: 'no-store' });
    } catch (e) {
      return { status: 0, ok: false, data: { error: 'unreachable', message: 'The relay did not answer: ' + e.message } };
    }
    const text = await response.text();
    let data = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch (notJson) {
      data = { error: 'not_json', message: text };
    }
    if (response.status === 401 && state.role) {
      signOut('The relay no longer accepts this key: ' + message(data));
    }
    return { status: response.status, ok: response.ok, data };
  }

  function message(data) {
    if (!data) return 'no answer';
    const fields = (data.errors || []).map((f) => f.field + ': ' + f.message).join('; ');
    return (data.message || data.error || 'refused') + (fields ? ' (' + fields + ')' : '');
  }

  function refusal(r) {
    return el('p', { class: 'error', role: 'alert' }, r.status ? 'HTTP ' + r.status + ': ' : '', message(r.data));
  }

  // ---- sign-in ----

  async function signIn(key) {
    state.key = key;
    const r = await api('GET', 'channels');
    if (!r.ok) {
      state.key = null;
      if (r.status === 401) return 'This key is unknown or revoked.';
      if (r.status === 403) return 'This key lacks the scope channels:read that the console needs.';
      return message(r.data);
    }
    const admin = await api('GET', 'admin/keys');
    remember(key, admin.ok ? 'admin' : 'viewer');
    return null;
  }

  function remember(key, role) {
    state.key = key;
    state.role = role;
    sessionStorage.setItem(KEY, key);
    sessionStorage.setItem(ROLE, role);
  }

  function signOut(why) {
    sessionStorage.removeItem(KEY);
    sessionStorage.removeItem(ROLE);
    state.key = null;
    state.role = null;
    showSignIn(why || '');
  }

  function showSignIn(error) {
    stopPage();
    document.getElementById('top').hidden = true;
    document.getElementById('main').hidden = true;
    document.getElementById('signin').hidden = false;
    document.getElementById('signin-error').textContent = error;
    document.getElementById('key').value = '';
    document.getElementById('key').focus();
  }

  function showApp() {
    document.getElementById('signin').hidden = true;
    document.getElementById('top').hidden = false;
    document.getElementById('main').hidden = false;
    document.getElementById('who').textContent = state.key
      ? 'signed in: ' + (state.role === 'admin' ? 'admin' : 'viewer (read only)')
      : 'this relay has no API keys';
    document.getElementById('who').dataset.role = state.role;
    render();
  }

  const isAdmin = () => state.role === 'admin';

  // ---- pages ----

  function stopPage() {
    state.generation++;
    clearInterval(state.timer);
    state.timer = null;
    state.charts.forEach((c) => c.destroy());
    state.charts = [];
  }

  async function render() {
    if (!state.role) return;
    stopPage();
    const generation = state.generation;
    const [path, query] = location.hash.replace(/^#\/?/, '').split('?');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const params = new URLSearchParams(query || '');
    const page = parts[0] || 'channels';
    document.querySelectorAll('[data-nav]').forEach((a) => a.classList.toggle('current', a.dataset.nav === page));
    const main = document.getElementById('main');
    const content = el('div', { class: 'page', dataset: { page } });
    let draw;
    if (page === 'channel' && parts[1]) draw = () => channelPage(content, parts[1], params);
    else if (page === 'deliveries') draw = () => deliveriesPage(content, params);
    else if (page === 'alert' && parts[1]) draw = () => alertPage(content, parts[1]);
    else if (page === 'charts') draw = () => chartsPage(content, params);
    else draw = () => channelsPage(content);
    await draw();
    if (generation !== state.generation) return;
    fill(main, content);
    document.title = (content.querySelector('h1') || {}).textContent + ' · alert-relay';
    // only the list refreshes itself: on a channel page it would wipe a half-typed preview
    if (page === 'channels') {
      state.timer = setInterval(() => {
        if (!document.querySelector('.busy')) render();
      }, REFRESH_MS);
    }
  }

  function failureBlock(f) {
    if (!f) return null;
    const answer = f.responseText
      ? el('pre', { class: 'vendor-answer' }, pretty(f.responseText, f.responseIsJson))
      : null;
    return el('div', { class: 'failure' },
      el('h3', {}, 'Last failure'),
      dl([
        ['When', when(f.at)],
        ['Type', f.errorType ? (ERROR_TYPES[f.errorType] || f.errorType) + ' (' + f.errorType + ')' : null],
        ['HTTP status', f.statusCode === null || f.statusCode === undefined ? null : String(f.statusCode)],
        ['Message', f.message],
      ]),
      answer ? el('div', { class: 'answer' }, el('h4', {}, "The vendor's answer"), answer) : null);
  }

  function statusBlock(s) {
    return dl([
      ['Last success', when(s.lastSuccessAt)],
      ['Sent', String(s.sentCount)],
      ['Failed attempts', String(s.failedCount)],
      ['Pending', String(s.pendingCount)],
      ['Dead', String(s.deadCount)],
      ['Mean response', s.meanResponseMs === null ? '–' : s.meanResponseMs + ' ms'],
    ]);
  }

  async function channelsPage(root) {
    const [channels, stats] = await Promise.all([api('GET', 'channels'), api('GET', 'stats/channels?hours=24&step=3600')]);
    root.append(el('h1', {}, 'Channels'));
    if (!channels.ok) {
      root.append(refusal(channels));
      return;
    }
    const list = channels.data.slice().sort((a, b) =>
      (HEALTH[a.health] || { order: 9 }).order - (HEALTH[b.health] || { order: 9 }).order || a.id.localeCompare(b.id));
    const counts = {};
    list.forEach((c) => { counts[c.health] = (counts[c.health] || 0) + 1; });
    root.append(el('p', { class: 'summary' }, list.length + ' channels: ',
      Object.keys(HEALTH).filter((h) => counts[h]).map((h) => counts[h] + ' ' + HEALTH[h].label.toLowerCase()).join(', '),
      '. Updated ' + new Date().toLocaleTimeString() + '; refreshes every ' + REFRESH_MS / 1000 + ' s.'));
    const grid = el('div', { class: 'cards' });
    for (const c of list) {
      const canvas = el('canvas', { 'aria-label': 'deliveries of ' + c.id + ' in the last 24 hours', role: 'img' });
      grid.append(el('article', { class: 'card health-' + c.health, dataset: { channel: c.id, health: c.health } },
        el('header', {}, link(route('channel', c.id), c.id, 'channel-name'), el('span', { class: 'kind' }, c.kind),
          badge(c.health)),
        failureBlock(c.status.lastFailure),
        statusBlock(c.status),
        el('div', { class: 'spark' }, el('span', { class: 'hint' }, 'last 24 h, per hour'), el('div', { class: 'spark-chart' }, canvas))));
      if (stats.ok) {
        const s = stats.data.channels[c.id] || { sent: new Array(24).fill(0), dead: new Array(24).fill(0) };
        chartLater(canvas, spark(stats.data, s));
      }
    }
    root.append(grid);
  }

  function labels(series) {
    const step = series.stepSeconds;
    const from = new Date(series.from).getTime();
    const n = Math.round((new Date(series.to).getTime() - from) / 1000 / step);
    const long = n * step > 86400;
    return Array.from({ length: n }, (_, i) => {
      const t = new Date(from + i * step * 1000);
      const hm = t.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
      return long ? t.toLocaleDateString([], { month: 'short', day: 'numeric' }) + ' ' + hm : hm;
    });
  }

  function spark(series, counts) {
    return {
      type: 'bar',
      data: {
        labels: labels(series),
        datasets: [
          { label: 'delivered', data: counts.sent, backgroundColor: COLORS.sent, stack: 's' },
          { label: 'dead', data: counts.dead, backgroundColor: COLORS.dead, stack: 's' },
        ],
      },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: { display: false, stacked: true }, y: { display: false, stacked: true, beginAtZero: true } },
      },
    };
  }

  // Charts are drawn once their canvas is in the document, which render() does after the data arrived.
  function chartLater(canvas, config) {
    const generation = state.generation;
    requestAnimationFrame(() => {
      if (generation !== state.generation || !window.Chart || !canvas.isConnected) return;
      state.charts.push(new window.Chart(canvas, config));
    });
  }

  async function channelPage(root, id, params) {
    const status = params.get('status') || '';
    const page = Number(params.get('page') || 0);
    const [ch, deliveries] = await Promise.all([
      api('GET', 'channels/' + encodeURIComponent(id)),
      api('GET', withQuery('channels/' + encodeURIComponent(id) + '/deliveries', { status, page, size: 20 })),
    ]);
    root.append(el('p', { class: 'crumbs' }, link('#/channels', 'Channels'), ' / ', id));
    if (!ch.ok) {
      root.append(el('h1', {}, id), refusal(ch));
      return;
    }
    const c = ch.data;
    root.append(el('h1', {}, c.id, ' ', badge(c.health)),
      el('p', { class: 'summary' }, c.kind + ' channel, ' + (c.enabled ? 'enabled' : 'disabled')
        + (c.rateLimit ? ', rate limit ' + c.rateLimit : '')));

    const status_ = el('section', {}, el('h2', {}, 'Status'), failureBlock(c.status.lastFailure), statusBlock(c.status));
    root.append(status_);

    const actions = el('section', { class: 'actions' }, el('h2', {}, 'Actions'));
    if (isAdmin()) {
      const outcome = el('div', { id: 'test-outcome', class: 'outcome', 'aria-live': 'polite' });
      const testButton = el('button', { type: 'button', id: 'test-send', dataset: { action: 'test' } }, 'Send a test alert');
      testButton.addEventListener('click', () => testSend(c, testButton, outcome));
      const replayAll = el('button', { type: 'button', id: 'replay-all', dataset: { action: 'replay-all' },
        disabled: c.status.deadCount === 0 }, 'Replay all dead deliveries (' + c.status.deadCount + ')');
      const replayOut = el('p', { id: 'replay-outcome', class: 'outcome', 'aria-live': 'polite' });
      replayAll.addEventListener('click', async () => {
        replayAll.disabled = true;
        const r = await api('POST', 'channels/' + encodeURIComponent(c.id) + '/replay');
        fill(replayOut, r.ok ? r.data.replayed + ' dead deliveries are pending again; sending…' : refusal(r));
        if (r.ok) renderWhenSettled(c.id);
      });
      actions.append(el('div', { class: 'buttons' }, testButton, replayAll), outcome, replayOut);
    } else {
      actions.append(el('p', { class: 'hint', id: 'viewer-note' },
        'Sending a test alert and replaying dead deliveries need an admin key.'));
    }
    root.append(actions);

    root.append(deliveriesSection(c, deliveries, status, page));
    root.append(previewSection(c));
    root.append(el('section', {}, el('h2', {}, 'Configuration'),
      el('p', { class: 'hint' }, 'Secrets, URL query values and non-public header values are shown as ********.'),
      el('pre', { class: 'config' }, JSON.stringify({ match: c.match, config: c.config }, null, 2))));
  }

  async function testSend(c, button, outcome) {
    button.disabled = true;
    button.classList.add('busy');
    const started = Date.now();
    const waiting = el('p', { class: 'waiting' }, 'Sending a [TEST] alert through ' + c.id + '…');
    fill(outcome, waiting);
    const tick = setInterval(() => {
      waiting.textContent = 'Sending a [TEST] alert through ' + c.id + '… ' + Math.round((Date.now() - started) / 1000)
        + ' s (retries included, up to 60 s)';
    }, 1000);
    const r = await api('POST', 'channels/' + encodeURIComponent(c.id) + '/test?timeout=60');
    clearInterval(tick);
    button.disabled = false;
    button.classList.remove('busy');
    if (!r.ok) {
      fill(outcome, refusal(r));
      return;
    }
    const t = r.data;
    const steps = (t.steps || []).map((s) => el('li', {}, s.action + ': ' + s.status + ' after ' + s.attempts + ' attempt(s)'
      + (s.lastError ? ', ' + s.lastError : '')));
    fill(outcome, 
      el('p', { class: 'result result-' + t.outcome, dataset: { outcome: t.outcome } },
        'Test ' + t.outcome + ' in ' + t.elapsedMs + ' ms.'),
      steps.length ? el('ul', {}, steps) : null,
      failureBlock(t.failure));
  }

  // After a replay: draw the page again once the channel has nothing pending (or after a minute), so
  // the operator sees the outcome without reloading.
  function renderWhenSettled(channelId) {
    const generation = state.generation;
    const deadline = Date.now() + 60000;
    const poll = async () => {
      if (generation !== state.generation) return;
      const r = await api('GET', 'channels/' + encodeURIComponent(channelId));
      if (generation !== state.generation) return;
      if (!r.ok || r.data.status.pendingCount === 0 || Date.now() > deadline) render();
      else setTimeout(poll, 1000);
    };
    setTimeout(poll, 500);
  }

  function deliveriesSection(c, deliveries, status, page) {
    const section = el('section', {}, el('h2', {}, 'Deliveries'));
    const select = el('select', { id: 'status-filter', 'aria-label': 'status' },
      ['', 'pending', 'sent', 'dead', 'suppressed'].map((s) => el('option', { value: s, selected: s === status }, s || 'any status')));
    select.addEventListener('change', () => {
      location.hash = withQuery(route('channel', c.id), { status: select.value });
    });
    section.append(el('p', {}, 'Show ', select));
    if (!deliveries.ok) {
      section.append(refusal(deliveries));
      return section;
    }
    section.append(deliveryTable(deliveries.data.items, false),
      pager(deliveries.data, (p) => withQuery(route('channel', c.id), { status, page: p })));
    return section;
  }

  // a dead delivery's Replay, for admins: the button gives way to the new status, or to the refusal
  function replayButton(d, afterReplay) {
    if (d.status !== 'dead' || !isAdmin()) return null;
    const button = el('button', { type: 'button', class: 'small', dataset: { action: 'replay', delivery: d.id } }, 'Replay');
    button.addEventListener('click', async () => {
      button.disabled = true;
      const r = await api('POST', 'deliveries/' + d.id + '/replay');
      button.replaceWith(r.ok ? statusBadge(r.data.status) : refusal(r));
      if (r.ok && afterReplay) afterReplay(r.data);
    });
    return button;
  }

  function deliveryTable(items, showChannel) {
    if (!items.length) return el('p', { class: 'empty' }, 'No deliveries.');
    const head = ['#', 'Created', showChannel ? 'Channel' : null, 'Alert', 'Status', 'Attempts', 'Last error', 'Sent', '']
      .filter((h) => h !== null).map((h) => el('th', {}, h));
    const rows = items.map((d) => {
      const action = replayButton(d, (replayed) => renderWhenSettled(replayed.channelId));
      return el('tr', { dataset: { delivery: d.id, status: d.status } },
        el('td', {}, String(d.id)),
        el('td', { title: d.createdAt }, new Date(d.createdAt).toLocaleString()),
        showChannel ? el('td', {}, link(route('channel', d.channelId), d.channelId)) : null,
        el('td', { class: 'title' }, link(route('alert', d.alertId), d.title, 'alert-title')),
        el('td', {}, statusBadge(d.status)),
        el('td', {}, String(d.attempts)),
        el('td', { class: 'last-error' }, d.errorType ? '[' + d.errorType + '] ' : '', d.lastError || ''),
        el('td', {}, d.sentAt ? new Date(d.sentAt).toLocaleString() : ''),
        el('td', {}, action));
    });
    return el('table', { class: 'deliveries' }, el('thead', {}, el('tr', {}, head)), el('tbody', {}, rows));
  }

  function pager(p, hashFor) {
    const pages = Math.max(1, Math.ceil(p.total / p.size));
    return el('p', { class: 'pager' },
      p.page > 0 ? link(hashFor(p.page - 1), '← newer') : null, ' ',
      'page ' + (p.page + 1) + ' of ' + pages + ' (' + p.total + ' deliveries) ',
      p.page + 1 < pages ? link(hashFor(p.page + 1), 'older →') : null);
  }

  function previewSection(c) {
    const sample = {
      title: 'Disk almost full on db-1', severity: 'high', message: 'Only **5%** left on /var.',
      source: 'console', labels: { env: 'prod' },
    };
    const input = el('textarea', { id: 'preview-alert', rows: 8, spellcheck: 'false', 'aria-label': 'alert JSON' });
    input.value = JSON.stringify(sample, null, 2);
    const out = el('div', { id: 'preview-out' });
    const button = el('button', { type: 'button', id: 'preview-button' }, 'Preview');
    button.addEventListener('click', async () => {
      const r = await api('POST', 'channels/' + encodeURIComponent(c.id) + '/preview', input.value);
      fill(out, r.ok ? el('pre', { class: 'preview' }, JSON.stringify(r.data.request, null, 2)) : refusal(r));
    });
    return el('section', {}, el('h2', {}, 'Preview'),
      el('p', { class: 'hint' }, 'Paste an alert (the JSON of POST /alerts) to see the request ' + c.id
        + ' would send, secrets masked. Nothing is sent.'),
      input, el('div', { class: 'buttons' }, button), out);
  }

  async function deliveriesPage(root, params) {
    const f = {
      status: params.get('status') || '', channel: params.get('channel') || '', fingerprint: params.get('fingerprint') || '',
      title: params.get('title') || '', alert: params.get('alert') || '',
    };
    const page = Number(params.get('page') || 0);
    const [channels, deliveries] = await Promise.all([api('GET', 'channels'),
      api('GET', withQuery('deliveries', Object.assign({}, f, { page, size: 50 })))]);
    root.append(el('h1', {}, 'Deliveries'));
    const form = el('form', { class: 'search', id: 'search' });
    const input = (name, label) => el('label', {}, label, el('input', { name, value: f[name], type: 'search' }));
    const channelIds = channels.ok ? channels.data.map((c) => c.id) : [];
    form.append(
      el('label', {}, 'Status', el('select', { name: 'status' },
        ['', 'pending', 'sent', 'dead', 'suppressed'].map((s) => el('option', { value: s, selected: s === f.status }, s || 'any')))),
      el('label', {}, 'Channel', el('select', { name: 'channel' },
        [''].concat(channelIds).map((s) => el('option', { value: s, selected: s === f.channel }, s || 'any')))),
      input('title', 'Title contains'), input('fingerprint', 'Fingerprint'),
      f.alert ? el('input', { type: 'hidden', name: 'alert', value: f.alert }) : null,
      el('button', { type: 'submit' }, 'Search'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      location.hash = withQuery('#/deliveries', Object.fromEntries(new FormData(form)));
    });
    root.append(form);
    if (!deliveries.ok) {
      root.append(refusal(deliveries));
      return;
    }
    root.append(deliveryTable(deliveries.data.items, true),
      pager(deliveries.data, (p) => withQuery('#/deliveries', Object.assign({}, f, { page: p }))));
  }

  // GET /alerts/{id} answers per channel whether its match took the alert and what became of the
  // delivery: sent, dead and why, waiting, or suppressed by which silence, inhibition or interval.
  async function alertPage(root, id) {
    const why = await api('GET', 'alerts/' + encodeURIComponent(id));
    root.append(el('p', { class: 'crumbs' }, link('#/deliveries', 'Deliveries'), ' / alert ', id));
    if (!why.ok) {
      root.append(el('h1', {}, 'Alert ' + id), refusal(why));
      return;
    }
    const a = why.data;
    root.append(el('h1', { class: 'alert-heading' }, a.title));
    root.append(el('section', {}, el('h2', {}, 'Alert'), dl([
      ['Id', a.id], ['Received', when(a.receivedAt)], ['Severity', a.severity], ['Status', a.status],
      ['Reason', a.reason], ['Fingerprint', link(withQuery('#/deliveries', { fingerprint: a.fingerprint }), a.fingerprint)],
    ])));
    const got = a.channels.filter((c) => c.delivery);
    const not = a.channels.filter((c) => !c.delivery);
    const rows = got.map((c) => {
      const d = c.delivery;
      const action = replayButton(d);
      return el('tr', { dataset: { channel: c.channel, outcome: c.outcome } },
        el('td', {}, c.configured === false ? c.channel + ' (no longer configured)' : link(route('channel', c.channel), c.channel)),
        el('td', {}, statusBadge(d.status)),
        el('td', {}, el('span', { class: 'outcome-name' }, c.outcome)),
        el('td', { class: 'last-error' }, c.why),
        el('td', {}, action));
    });
    root.append(el('section', {}, el('h2', {}, 'Channels that got it'), rows.length
      ? el('table', { class: 'deliveries why' },
        el('thead', {}, el('tr', {}, ['Channel', 'Delivery', 'Outcome', 'Why', ''].map((h) => el('th', {}, h)))),
        el('tbody', {}, rows))
      : el('p', { class: 'empty' }, 'No channel took this alert.')));
    root.append(el('section', {}, el('h2', {}, 'Channels that did not'), not.length
      ? el('ul', { class: 'why-not' }, not.map((c) => el('li', { dataset: { channel: c.channel } },
        link(route('channel', c.channel), c.channel), ': ', c.why)))
      : el('p', { class: 'empty' }, 'Every channel took it.')));
  }

  const RANGES = [
    { hours: 1, step: 60, label: 'last hour, per minute' },
    { hours: 6, step: 300, label: 'last 6 hours, per 5 minutes' },
    { hours: 24, step: 900, label: 'last 24 hours, per 15 minutes' },
    { hours: 168, step: 3600, label: 'last 7 days, per hour' },
  ];

  async function chartsPage(root, params) {
    const range = RANGES.find((r) => String(r.hours) === params.get('hours')) || RANGES[0];
    const channel = params.get('channel') || '';
    const [series, channels] = await Promise.all([
      api('GET', withQuery('stats/deliveries', { hours: range.hours, step: range.step, channel })), api('GET', 'channels')]);
    root.append(el('h1', {}, 'Charts'));
    const rangeSelect = el('select', { name: 'hours', 'aria-label': 'range' },
      RANGES.map((r) => el('option', { value: r.hours, selected: r === range }, r.label)));
    const channelSelect = el('select', { name: 'channel', 'aria-label': 'channel' },
      [''].concat(channels.ok ? channels.data.map((c) => c.id) : [])
        .map((id) => el('option', { value: id, selected: id === channel }, id || 'all channels')));
    const go = () => { location.hash = withQuery('#/charts', { hours: rangeSelect.value, channel: channelSelect.value }); };
    rangeSelect.addEventListener('change', go);
    channelSelect.addEventListener('change', go);
    root.append(el('p', { class: 'controls' }, rangeSelect, ' ', channelSelect,
      el('span', { class: 'hint' }, ' From the relay\'s own database (what retention keeps).')));
    if (!series.ok) {
      root.append(refusal(series));
      return;
    }
    const s = series.data;
    const b = s.buckets;
    const x = labels(s);
    const total = (k) => b.reduce((n, v) => n + v[k], 0);
    const reasons = [...new Set(b.flatMap((v) => Object.keys(v.failures)))].sort();
    const chart = (id, title, summary, config) => {
      const canvas = el('canvas', { id, role: 'img', 'aria-label': title });
      root.append(el('section', { class: 'chart' }, el('h2', {}, title), el('p', { class: 'hint' }, summary),
        el('div', { class: 'chart-box' }, canvas)));
      chartLater(canvas, config);
    };
    const options = (stacked, yTitle) => ({
      animation: false, responsive: true, maintainAspectRatio: false, interaction: { mode: 'index', intersect: false },
      scales: { x: { stacked }, y: { stacked, beginAtZero: true, ticks: yTitle ? {} : { precision: 0 },
        title: { display: !!yTitle, text: yTitle } } },
    });
    chart('chart-outcomes', 'Deliveries by outcome', total('sent') + ' delivered, ' + total('dead') + ' dead, '
      + total('accepted') + ' accepted', {
      type: 'bar',
      data: { labels: x, datasets: [
        { label: 'delivered', data: b.map((v) => v.sent), backgroundColor: COLORS.sent, stack: 'o' },
        { label: 'dead', data: b.map((v) => v.dead), backgroundColor: COLORS.dead, stack: 'o' },
        { label: 'accepted', type: 'line', data: b.map((v) => v.accepted), borderColor: COLORS.accepted,
          backgroundColor: COLORS.accepted, pointRadius: 0 },
      ] },
      options: options(true),
    });
    chart('chart-failures', 'Failure reasons', reasons.length ? 'Dead deliveries by why they failed.' : 'No dead deliveries.', {
      type: 'bar',
      data: { labels: x, datasets: reasons.map((r, i) => ({
        label: ERROR_TYPES[r] ? r + ': ' + ERROR_TYPES[r] : r, data: b.map((v) => v.failures[r] || 0),
        backgroundColor: PALETTE[i % PALETTE.length], stack: 'f',
      })) },
      options: options(true),
    });
    const lat = (k) => b.map((v) => (v.latencyMs ? v.latencyMs[k] : null));
    chart('chart-latency', 'Accept-to-delivery latency', 'Percentiles of the deliveries sent in each interval, in ms.', {
      type: 'line',
      data: { labels: x, datasets: ['p50', 'p90', 'p99'].map((k) => ({
        label: k, data: lat(k), borderColor: COLORS[k], backgroundColor: COLORS[k], spanGaps: true, pointRadius: 2,
      })) },
      options: options(false, 'ms'),
    });
    chart('chart-pending', 'Pending deliveries', 'Backlog at the end of each interval; now: ' + (b.length ? b[b.length - 1].pending : 0) + '.', {
      type: 'line',
      data: { labels: x, datasets: [{ label: 'pending', data: b.map((v) => v.pending), borderColor: COLORS.pending,
        backgroundColor: COLORS.pending, stepped: true, pointRadius: 0 }] },
      options: options(false),
    });
  }

  // ---- start ----

  document.getElementById('signin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = document.getElementById('key').value.trim();
    const button = document.getElementById('signin-button');
    button.disabled = true;
    const error = await signIn(key);
    button.disabled = false;
    if (error) {
      document.getElementById('signin-error').textContent = error;
      return;
    }
    if (!location.hash) location.hash = '#/channels';
    showApp();
  });
  document.getElementById('signout').addEventListener('click', () => signOut(''));
  window.addEventListener('hashchange', render);

  (async function start() {
    if (state.key && state.role) {
      showApp();
      return;
    }
    // a relay without keys (loopback only) answers without one
    const open = await api('GET', 'channels');
    if (open.ok) {
      remember('', 'admin');
      showApp();
    } else {
      showSignIn('');
    }
  }());
}());
