import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's two helpers, in one file so that run.sh compiles it with javac alone:
 *
 * <pre>
 *   java Bench sink PORT
 *       an HTTP sink on 127.0.0.1:PORT that answers 200 to any request and records, per alert token
 *       (bench-PHASE-SEQ found in the body), when the first notification carrying it arrived.
 *       GET /control/stats -> {"requests":n,"unique":u}; GET /control/dump?file=F writes
 *       "token arrivalMicros" lines to F and forgets them.
 *   java Bench load PORT PATH FORMAT PHASE CONNECTIONS SECONDS RATE OUT
 *       POSTs one unique alert per request (FORMAT relay: the relay's JSON; am: Alertmanager's
 *       /api/v2/alerts array) over CONNECTIONS keep-alive connections for SECONDS. RATE 0: each
 *       connection sends as fast as it is answered (closed loop); RATE > 0: requests are scheduled at
 *       that fixed rate whatever the answers do (open loop). Writes "token sendMicros ackMicros status"
 *       lines to OUT and a one-line JSON summary to stdout.
 * </pre>
 *
 * Raw sockets and blocking I/O keep both sides cheap: on a 2-core machine every cycle they spend is
 * taken from the system under test.
 */
public class Bench {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "sink" -> sink(Integer.parseInt(args[1]));
            case "load" -> load(args);
            default -> throw new IllegalArgumentException("sink or load, got " + args[0]);
        }
    }

    static long nowMicros() {
        Instant i = Instant.now();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    // ---------------------------------------------------------------- sink

    private static final Pattern TOKEN = Pattern.compile("bench-\\d+-\\d+");

    static void sink(int port) throws IOException {
        Map<String, Long> arrivals = new ConcurrentHashMap<>();
        AtomicLong requests = new AtomicLong();
        ServerSocket server = new ServerSocket(port, 1024, InetAddress.getLoopbackAddress());
        ExecutorService pool = Executors.newCachedThreadPool();
        System.out.println("sink listening on 127.0.0.1:" + port);
        while (true) {
            Socket s = server.accept();
            s.setTcpNoDelay(true);
            pool.execute(() -> {
                try (s) {
                    InputStream in = new BufferedInputStream(s.getInputStream(), 16384);
                    OutputStream out = new BufferedOutputStream(s.getOutputStream(), 4096);
                    HttpMessage req;
                    while ((req = HttpMessage.read(in, true)) != null) {
                        String answer = "";
                        if (req.target.startsWith("/control/stats")) {
                            answer = "{\"requests\":" + requests.get() + ",\"unique\":" + arrivals.size() + "}";
                        } else if (req.target.startsWith("/control/dump?file=")) {
                            Path file = Path.of(req.target.substring("/control/dump?file=".length()));
                            Map<String, Long> copy = new HashMap<>(arrivals);
                            arrivals.keySet().removeAll(copy.keySet());
                            try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
                                copy.forEach((k, v) -> w.println(k + " " + v));
                            }
                            answer = "{\"dumped\":" + copy.size() + "}";
                        } else {
                            long now = nowMicros();
                            requests.incrementAndGet();
                            Matcher m = TOKEN.matcher(new String(req.body, StandardCharsets.UTF_8));
                            if (m.find()) {
                                arrivals.putIfAbsent(m.group(), now);
                            }
                        }
                        byte[] b = answer.getBytes(StandardCharsets.UTF_8);
                        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + b.length
                                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(b);
                        out.flush();
                        if (req.close) {
                            break;
                        }
                    }
                } catch (IOException ignored) {
                    // the client went away
                }
            });
        }
    }

    // ---------------------------------------------------------------- load

    static void load(String[] a) throws Exception {
        int port = Integer.parseInt(a[1]);
        String path = a[2];
        String format = a[3];
        int phase = Integer.parseInt(a[4]);
        int connections = Integer.parseInt(a[5]);
        double seconds = Double.parseDouble(a[6]);
        double rate = Double.parseDouble(a[7]);
        Path outFile = Path.of(a[8]);

        AtomicLong seq = new AtomicLong();
        long startNanos = System.nanoTime() + 50_000_000L;
        long endNanos = startNanos + (long) (seconds * 1e9);
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            workers.add(new Worker(port, path, format, phase, seq, startNanos, endNanos, rate));
        }
        List<Thread> threads = new ArrayList<>();
        for (Worker w : workers) {
            Thread t = new Thread(w);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        long ok = 0, failed = 0, firstSend = Long.MAX_VALUE, lastAck = 0;
        Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(outFile))) {
            for (Worker wk : workers) {
                for (int i = 0; i < wk.n; i++) {
                    w.println("bench-" + phase + "-" + wk.seqs[i] + " " + wk.sends[i] + " " + wk.acks[i] + " " + wk.statuses[i]);
                    byStatus.merge(wk.statuses[i], 1, Integer::sum);
                    if (wk.statuses[i] >= 200 && wk.statuses[i] < 300) {
                        ok++;
                    } else {
                        failed++;
                    }
                    firstSend = Math.min(firstSend, wk.sends[i]);
                    lastAck = Math.max(lastAck, wk.acks[i]);
                }
            }
        }
        double span = (lastAck - firstSend) / 1e6;
        StringBuilder statuses = new StringBuilder();
        byStatus.forEach((k, v) -> statuses.append(statuses.length() == 0 ? "" : ",").append('"').append(k).append("\":").append(v));
        System.out.printf(Locale.ROOT, "{\"sent\":%d,\"ok\":%d,\"failed\":%d,\"seconds\":%.3f,\"okPerSecond\":%.1f,\"statuses\":{%s}}%n",
                ok + failed, ok, failed, span, ok / span, statuses);
    }

    static final class Worker implements Runnable {
        final int port;
        final String path, format;
        final int phase;
        final AtomicLong seq;
        final long startNanos, endNanos;
        final double rate;
        long[] seqs = new long[1 << 16], sends = new long[1 << 16], acks = new long[1 << 16];
        int[] statuses = new int[1 << 16];
        int n;
        Socket socket;
        InputStream in;
        OutputStream out;

        Worker(int port, String path, String format, int phase, AtomicLong seq, long startNanos, long endNanos, double rate) {
            this.port = port;
            this.path = path;
            this.format = format;
            this.phase = phase;
            this.seq = seq;
            this.startNanos = startNanos;
            this.endNanos = endNanos;
            this.rate = rate;
        }

        @Override
        public void run() {
            LockSupport.parkNanos(startNanos - System.nanoTime());
            while (true) {
                long s = seq.getAndIncrement();
                if (rate > 0) {
                    long due = startNanos + (long) (s * 1e9 / rate);
                    if (due >= endNanos) {
                        return;
                    }
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                } else if (System.nanoTime() >= endNanos) {
                    return;
                }
                byte[] request = request(s);
                long sent = nowMicros();
                int status;
                try {
                    if (socket == null) {
                        connect();
                    }
                    out.write(request);
                    out.flush();
                    HttpMessage resp = HttpMessage.read(in, false);
                    status = resp == null ? 0 : resp.status;
                    if (resp == null || resp.close) {
                        closeQuietly();
                    }
                } catch (IOException e) {
                    status = 0;
                    closeQuietly();
                }
                record(s, sent, nowMicros(), status);
            }
        }

        private byte[] request(long s) {
            String token = "bench-" + phase + "-" + s;
            String instance = "api-" + (s % 50);
            String body = format.equals("am")
                    ? "[{\"labels\":{\"alertname\":\"HighLatency\",\"instance\":\"" + instance + "\",\"severity\":\"high\","
                            + "\"bench_seq\":\"" + token + "\"},\"annotations\":{\"summary\":\"" + token
                            + " HighLatency on " + instance + "\",\"description\":\"p99 latency above 500ms\"},"
                            + "\"generatorURL\":\"http://127.0.0.1/graph\"}]"
                    : "{\"title\":\"" + token + " HighLatency on " + instance + "\",\"severity\":\"high\","
                            + "\"message\":\"p99 latency above 500ms\",\"source\":\"bench\",\"project\":\"bench\","
                            + "\"type\":\"HighLatency\",\"labels\":{\"alertname\":\"HighLatency\",\"instance\":\"" + instance
                            + "\",\"bench_seq\":\"" + token + "\"}}";
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            byte[] all = new byte[h.length + b.length];
            System.arraycopy(h, 0, all, 0, h.length);
            System.arraycopy(b, 0, all, h.length, b.length);
            return all;
        }

        private void connect() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            socket.setSoTimeout(30_000);
            in = new BufferedInputStream(socket.getInputStream(), 16384);
            out = new BufferedOutputStream(socket.getOutputStream(), 16384);
        }

        private void closeQuietly() {
            try {
                if (socket != null) {
                    socket.close();
                }
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }

        private void record(long s, long sent, long ack, int status) {
            if (n == seqs.length) {
                seqs = java.util.Arrays.copyOf(seqs, n * 2);
                sends = java.util.Arrays.copyOf(sends, n * 2);
                acks = java.util.Arrays.copyOf(acks, n * 2);
                statuses = java.util.Arrays.copyOf(statuses, n * 2);
            }
            seqs[n] = s;
            sends[n] = sent;
            acks[n] = ack;
            statuses[n] = status;
            n++;
        }
    }

    // ---------------------------------------------------------------- HTTP/1.1 framing

    /** Just enough HTTP/1.1: a start line, headers, and a body framed by Content-Length or chunks. */
    static final class HttpMessage {
        String target = "";
        int status;
        boolean close;
        byte[] body = new byte[0];

        static HttpMessage read(InputStream in, boolean request) throws IOException {
            String start = line(in);
            while (start != null && start.isEmpty()) {
                start = line(in);
            }
            if (start == null) {
                return null;
            }
            HttpMessage m = new HttpMessage();
            String[] parts = start.split(" ", 3);
            if (request) {
                m.target = parts.length > 1 ? parts[1] : "";
                m.close = start.endsWith("HTTP/1.0");
            } else {
                m.status = Integer.parseInt(parts[1]);
                m.close = parts[0].equals("HTTP/1.0");
            }
            long length = -1;
            boolean chunked = false;
            String h;
            while ((h = line(in)) != null && !h.isEmpty()) {
                int colon = h.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = h.substring(colon + 1).trim();
                switch (name) {
                    case "content-length" -> length = Long.parseLong(value);
                    case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> {
                        if (value.equalsIgnoreCase("close")) {
                            m.close = true;
                        } else if (value.equalsIgnoreCase("keep-alive")) {
                            m.close = false;
                        }
                    }
                    default -> { }
                }
            }
            if (chunked) {
                ByteArrayOutputStream body = new ByteArrayOutputStream();
                while (true) {
                    String size = line(in);
                    if (size == null) {
                        throw new IOException("truncated chunk");
                    }
                    int semi = size.indexOf(';');
                    int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                    if (n == 0) {
                        while ((h = line(in)) != null && !h.isEmpty()) {
                            // trailers
                        }
                        break;
                    }
                    body.write(in.readNBytes(n));
                    line(in);
                }
                m.body = body.toByteArray();
            } else if (length > 0) {
                m.body = in.readNBytes((int) length);
            } else if (length < 0 && !request && m.status >= 200 && m.status != 204 && m.status != 304) {
                // a response without length ends with the connection
                m.body = in.readAllBytes();
                m.close = true;
            }
            return m;
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder sb = new StringBuilder(64);
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    int len = sb.length();
                    if (len > 0 && sb.charAt(len - 1) == '\r') {
                        sb.setLength(len - 1);
                    }
                    return sb.toString();
                }
                sb.append((char) c);
            }
            return sb.length() == 0 ? null : sb.toString();
        }
    }
}
