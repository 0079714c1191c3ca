package io.alertrelay.web;

import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * A request whose body reads through {@link GuardedBody}. A gzip body is inflated here, under the same
 * limit on the inflated bytes, and shown to what follows as a plain body of unknown length, so that no
 * later layer (Camel's servlet binding would) inflates it again without a limit.
 */
public final class GuardedRequest extends HidingHeaders {

    private final boolean gzip;
    private final long maxBytes;
    private final long timeoutMs;
    private ServletInputStream body;

    public GuardedRequest(HttpServletRequest request, boolean gzip, long maxBytes, long timeoutMs) {
        super(request);
        this.gzip = gzip;
        this.maxBytes = maxBytes;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (body == null) {
            InputStream raw = super.getInputStream();
            // compressed bytes are limited too: a sender that never stops is cut either way
            InputStream source = gzip ? new LazyGzip(new GuardedBody(raw, maxBytes, timeoutMs, this)) : raw;
            body = new GuardedBody(source, maxBytes, timeoutMs, this);
        }
        return body;
    }

    @Override
    protected boolean hidden(String name) {
        return gzip && ("Content-Encoding".equalsIgnoreCase(name) || "Content-Length".equalsIgnoreCase(name));
    }

    @Override
    public int getContentLength() {
        return gzip ? -1 : super.getContentLength();
    }

    @Override
    public long getContentLengthLong() {
        return gzip ? -1 : super.getContentLengthLong();
    }

    /** GZIPInputStream reads the gzip header when it is made; this waits for the first read. */
    private static final class LazyGzip extends InputStream {
        private final InputStream compressed;
        private InputStream inflated;

        LazyGzip(InputStream compressed) {
            this.compressed = compressed;
        }

        private InputStream inflated() throws IOException {
            if (inflated == null) {
                inflated = new GZIPInputStream(compressed);
            }
            return inflated;
        }

        @Override
        public int read() throws IOException {
            return notGzipWhenCorrupt(() -> inflated().read());
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return notGzipWhenCorrupt(() -> inflated().read(b, off, len));
        }

        private interface Read {
            int read() throws IOException;
        }

        /**
         * Tells a corrupt gzip stream (the client's fault) from a connection that broke while the
         * compressed bytes were read (nobody's fault, worth a retry).
         */
        private static int notGzipWhenCorrupt(Read read) throws IOException {
            try {
                return read.read();
            } catch (GuardedBody.TooLarge | GuardedBody.TooSlow e) {
                throw e;
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                throw new GuardedBody.NotGzip(e);
            }
        }

        @Override
        public void close() throws IOException {
            compressed.close();
        }
    }
}
