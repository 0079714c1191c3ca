package io.alertrelay.noise;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * When an in-memory copy of database rows (silences, inhibit sources) is due to be read again: at most
 * every refresh interval, by one thread at a time, while the others go on with the copy they have
 * instead of waiting for the database.
 */
final class PeriodicReload {

    private final long intervalNanos;
    private final Runnable reload;
    private final ReentrantLock reloading = new ReentrantLock();
    private volatile long doneAtNanos;

    PeriodicReload(long intervalMs, Runnable reload) {
        this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
        this.reload = reload;
    }

    /** Reloads if the copy is older than the interval and no other thread is reloading it. */
    void ifDue() {
        if (System.nanoTime() - doneAtNanos >= intervalNanos && reloading.tryLock()) {
            try {
                if (System.nanoTime() - doneAtNanos >= intervalNanos) {
                    now();
                }
            } finally {
                reloading.unlock();
            }
        }
    }

    /** Reloads at once (after a change made on this instance). */
    void now() {
        reload.run();
        doneAtNanos = System.nanoTime();
    }
}
