package io.alertrelay.web;

import io.alertrelay.RelayProperties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * How many request-body bytes the relay holds in memory at once, over ingest and the API together.
 * The size limit alone bounds one request; a burst of 100 bodies at the limit, each parsed into a JSON
 * tree and alerts several times its size, took the heap (and H2 with it). A request whose bytes do not
 * fit waits for room (it holds one of ingest's max-concurrent permits meanwhile, so waiting cannot take
 * the threads health probes need) and gets 503 with Retry-After if none comes within the wait; either
 * way before anything of its body is read.
 */
@Component
public class BodyBudget {

    private static final Logger LOG = LoggerFactory.getLogger(BodyBudget.class);

    private final Semaphore bytes;
    private final int total;

    public BodyBudget(RelayProperties props) {
        long configured = props.getIngest().getMaxBufferedBytes();
        // a body is parsed into a tree and alerts, serialised again for its row, and committed with the
        // others of its group commit in one H2 chunk that H2 buffers whole (an OutOfMemoryError there
        // closes the database): a thirty-second of the heap was what a 256 MiB heap survived with margin
        long byHeap = Runtime.getRuntime().maxMemory() / 32;
        long chosen = configured > 0 ? configured : byHeap;
        this.total = (int) Math.min(Integer.MAX_VALUE, Math.max(chosen, props.getIngest().getMaxBodyBytes()));
        this.bytes = new Semaphore(total);
        LOG.info("Request bodies held in memory at once: at most {} bytes", total);
    }

    /** Reserves room for a body of at most {@code size} bytes; false when it does not fit now. */
    public boolean tryReserve(long size) {
        return bytes.tryAcquire(permits(size));
    }

    /** Reserves room for a body of at most {@code size} bytes, waiting up to {@code waitMs} for it. */
    public boolean reserve(long size, long waitMs) {
        try {
            return bytes.tryAcquire(permits(size), waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public void release(long size) {
        bytes.release(permits(size));
    }

    private int permits(long size) {
        return (int) Math.max(1, Math.min(size, total));
    }
}
