#!/usr/bin/env python3
"""Joins what the load generator sent with what the sink received, for one phase.

usage: analyze.py LOAD_FILE SINK_DUMP NAME  ->  one JSON object on stdout

Latency is measured two ways, both per alert token, with one wall clock (same machine):
  send->delivery: from the moment the load generator wrote the request to the first notification
                  carrying the token at the sink (includes the ingest answer time);
  ack->delivery:  from the moment the 2xx answer was read to that notification; negative when the
                  notification overtook the answer (a system may dispatch before its answer is
                  read); negative values are kept as they are in the percentiles.
Delivered notifications per second = delivered / (last arrival - first send): a backlog that drains
after the load stops counts, at the rate it actually drained.
"""
import json
import sys


def pct(sorted_vals, p):
    if not sorted_vals:
        return None
    k = min(len(sorted_vals) - 1, max(0, int(round(p / 100.0 * len(sorted_vals) + 0.5)) - 1))
    return sorted_vals[k]


def main():
    load_file, sink_file, name = sys.argv[1], sys.argv[2], sys.argv[3]
    sent = {}
    first_send, last_ack, ok, failed = None, 0, 0, 0
    with open(load_file) as f:
        for line in f:
            token, s, a, status = line.split()
            s, a, status = int(s), int(a), int(status)
            first_send = s if first_send is None else min(first_send, s)
            if 200 <= status < 300:
                ok += 1
                last_ack = max(last_ack, a)
                sent[token] = (s, a)
            else:
                failed += 1
    arrivals = {}
    with open(sink_file) as f:
        for line in f:
            token, t = line.split()
            arrivals[token] = int(t)
    send_lat, ack_lat, last_arrival = [], [], 0
    for token, (s, a) in sent.items():
        t = arrivals.get(token)
        if t is None:
            continue
        send_lat.append((t - s) / 1000.0)
        ack_lat.append((t - a) / 1000.0)
        last_arrival = max(last_arrival, t)
    send_lat.sort()
    ack_lat.sort()
    delivered = len(send_lat)
    ingest_span = (last_ack - first_send) / 1e6 if ok else 0
    deliver_span = (last_arrival - first_send) / 1e6 if delivered else 0
    out = {
        "name": name,
        "sent": ok + failed,
        "accepted": ok,
        "refused_or_failed": failed,
        "accepted_per_s": round(ok / ingest_span, 1) if ingest_span else 0,
        "delivered": delivered,
        "not_delivered": ok - delivered,
        "delivered_per_s": round(delivered / deliver_span, 1) if deliver_span else 0,
        "drain_s": round(deliver_span - ingest_span, 2) if delivered else None,
        "send_p50_ms": pct(send_lat, 50),
        "send_p99_ms": pct(send_lat, 99),
        "send_max_ms": send_lat[-1] if send_lat else None,
        "ack_p50_ms": pct(ack_lat, 50),
        "ack_p99_ms": pct(ack_lat, 99),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
