package io.alertrelay.web;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;

/**
 * A request body read under two limits: at most {@code maxBytes} (after decompression, when the body is
 * gzip) and complete within a deadline. A body past either ends the read with {@link TooLarge} or
 * {@link TooSlow}; nothing beyond the limit is buffered.
 */
public final class GuardedBody extends ServletInputStream {

    /** The body exceeds the limit; the answer is 413. */
    public static final class TooLarge extends IOException {
        public TooLarge(long limit) {
            super("request body exceeds " + limit + " bytes");
        }
    }

    /** The body did not arrive in time; the answer is 408. */
    public static final class TooSlow extends IOException {
        public TooSlow(long timeoutMs) {
            super("the request body did not arrive within " + timeoutMs + " ms");
        }
    }

    /** A body marked gzip that does not inflate; the client's fault, the answer is 400. */
    public static final class NotGzip extends IOException {
        public NotGzip(IOException cause) {
            super("the body is marked gzip but does not inflate: " + cause.getMessage(), cause);
        }
    }

    private final InputStream in;
    private final long maxBytes;
    private final long deadlineNanos;
    private final long timeoutMs;
    private long count;
    private boolean finished;

    private final ServletRequest request;

    /** {@code request}, when given, has its connection closed after the answer once a limit is hit. */
    public GuardedBody(InputStream in, long maxBytes, long timeoutMs, ServletRequest request) {
        this.request = request;
        this.in = in;
        this.maxBytes = maxBytes;
        this.timeoutMs = timeoutMs;
        this.deadlineNanos = System.nanoTime() + timeoutMs * 1_000_000L;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw abandoned(new TooSlow(timeoutMs));
        }
        // one byte past the limit is enough to know it was exceeded
        int n;
        try {
            n = in.read(b, off, (int) Math.min(len, maxBytes - count + 1));
        } catch (SocketTimeoutException e) {
            throw abandoned(new TooSlow(timeoutMs));
        }
        if (n < 0) {
            finished = true;
            return -1;
        }
        count += n;
        if (count > maxBytes) {
            throw abandoned(new TooLarge(maxBytes));
        }
        return n;
    }

    private IOException abandoned(IOException e) {
        if (request != null) {
            CloseUnreadBodies.abandon(request);
        }
        return e;
    }

    @Override
    public boolean isFinished() {
        return finished;
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public void setReadListener(ReadListener listener) {
        throw new IllegalStateException("the relay reads request bodies blocking, under a deadline");
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
