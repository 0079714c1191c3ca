package io.alertrelay.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes many callers' work in one transaction. Every commit of a durable database costs a file write,
 * and that write, not the statements, was what limited the relay; so one thread takes whatever has
 * queued up while it was busy and commits it together. Under load commits are also paced (see
 * {@link #linger}), so that a commit carries several writes instead of one; an idle relay writes at once.
 *
 * <p>When the database refuses a batch's data, or the batch loses a lock conflict, each of its items is
 * written again on its own, so one bad item fails alone and every caller gets its own answer. Any other
 * failure (the database is down) is every item's answer: trying each alone would only make the callers
 * wait longer for it.
 */
final class GroupCommit<T, R> {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** How many batches stay paced after the last one that carried more than one write. */
    private static final int PACED_BATCHES = 32;
    /** The end-of-queue marker {@link #stop()} puts in. */
    @SuppressWarnings("rawtypes")
    private static final CompletableFuture STOP = new CompletableFuture<>();

    private record Job<T, R>(T input, CompletableFuture<R> result) {}

    private final BlockingQueue<Job<T, R>> queue;
    private final int maxBatch;
    private final long minIntervalNanos;
    private long lastStart;
    /** Batches left to pace since one last carried more than one write. */
    private int concurrency;
    private final Function<List<T>, List<R>> together;
    private final Function<T, R> alone;
    private final Thread thread;
    private volatile boolean stopping;

    /**
     * The transactions of the relay's hot path on PostgreSQL, with a time limit: one writer thread serves
     * every caller of a stream, and PostgreSQL waits for a lock without end, so one statement stuck on a
     * lock would hold up all ingest, or every worker, for good. Past the limit the batch fails like a
     * database outage (the callers get their error, the deliveries stay pending) and the log says why.
     * Not on H2: it gives up on a lock after its LOCK_TIMEOUT (2 s) already, and a query timeout costs
     * it an extra command per statement (the storm test ran 20 s longer).
     */
    static TransactionTemplate bounded(TransactionTemplate tx) {
        TransactionTemplate bounded = new TransactionTemplate(tx.getTransactionManager());
        bounded.setTimeout(TX_TIMEOUT_SECONDS);
        return bounded;
    }

    static final int TX_TIMEOUT_SECONDS = 30;

    /**
     * @param together writes a batch in one transaction and returns one result per input, in order
     * @param alone writes one input in its own transaction
     */
    GroupCommit(String name, int capacity, int maxBatch, long minIntervalMicros, Function<List<T>, List<R>> together,
                Function<T, R> alone) {
        this.queue = new LinkedBlockingQueue<>(capacity);
        this.minIntervalNanos = TimeUnit.MICROSECONDS.toNanos(minIntervalMicros);
        this.lastStart = System.nanoTime() - minIntervalNanos;
        this.maxBatch = maxBatch;
        this.together = together;
        this.alone = alone;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues the input (waiting for room when the writer is behind) and returns its future result. */
    private CompletableFuture<R> submit(T input) throws InterruptedException {
        Job<T, R> job = new Job<>(input, new CompletableFuture<>());
        if (stopping || !thread.isAlive()) {
            // after shutdown began nothing would take it: write it here
            runAlone(job);
            return job.result();
        }
        queue.put(job);
        if (stopping && !thread.isAlive() && queue.remove(job)) {
            runAlone(job); // stop() finished between the check and the put
        }
        return job.result();
    }

    /**
     * Submits and waits for the commit; the item's own failure is thrown as it was. Once queued, the write
     * happens whatever the caller does, so an interrupt no longer cuts the wait short: answering "failed"
     * for a write that then commits would make a client retry an alert that was stored.
     */
    R write(T input) {
        CompletableFuture<R> result;
        try {
            result = submit(input);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted before the write was queued", e);
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Writes what is queued, then stops the thread. Not by interrupting it: an interrupt during a write
     * makes H2 close its file.
     */
    @SuppressWarnings("unchecked")
    void stop() {
        stopping = true;
        try {
            if (thread.isAlive() && queue.offer(new Job<T, R>(null, (CompletableFuture<R>) STOP), 5, TimeUnit.SECONDS)) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Job<T, R>> left = new ArrayList<>();
        queue.drainTo(left);
        left.stream().filter(j -> j.result() != STOP).forEach(this::runAlone);
    }

    private void run() {
        List<Job<T, R>> batch = new ArrayList<>(maxBatch);
        while (true) {
            try {
                batch.add(queue.take());
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, maxBatch - 1);
            if (concurrency > 0 && !stopping) {
                linger(batch, lastStart + minIntervalNanos);
            }
            lastStart = System.nanoTime();
            // pacing pays only when callers overlap; a lone sequential caller (the Kafka consumer, one
            // busy worker) would just wait for it on every write
            concurrency = batch.size() > 1 ? PACED_BATCHES : Math.max(0, concurrency - 1);
            boolean stop = batch.removeIf(j -> j.result() == STOP);
            try {
                writeBatch(batch);
            } catch (Throwable t) {
                // the thread must outlive any one batch, and no caller may wait for an answer that never comes
                LOG.error("Writing a batch of {} failed", batch.size(), t);
                batch.forEach(j -> j.result().completeExceptionally(t));
            }
            batch.clear();
            if (stop) {
                return;
            }
        }
    }

    /**
     * Commits are paced while callers overlap: one starts no sooner than the minimum interval after the
     * one before, and until then the batch keeps filling. Idle, a write goes at once; under load, several
     * share each commit.
     */
    private void linger(List<Job<T, R>> batch, long deadline) {
        while (batch.size() < maxBatch) {
            long left = deadline - System.nanoTime();
            Job<T, R> next;
            try {
                next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
            } catch (InterruptedException e) {
                // not passed on: this thread is about to write, and an interrupt makes H2 close its file
                return;
            }
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, maxBatch - batch.size());
        }
    }

    private void writeBatch(List<Job<T, R>> batch) {
        if (batch.size() == 1) {
            runAlone(batch.get(0));
        } else if (!batch.isEmpty()) {
            writeTogether(batch);
        }
    }

    private void writeTogether(List<Job<T, R>> work) {
        List<R> results;
        try {
            results = together.apply(work.stream().map(Job::input).toList());
        } catch (DataIntegrityViolationException | PessimisticLockingFailureException refused) {
            // refused data, or a lock conflict (a deadlock with another instance): each item again on its own
            work.forEach(this::runAlone);
            return;
        } catch (RuntimeException e) {
            LOG.warn("{}: a batch of {} writes failed: {}", thread.getName(), work.size(), e.toString());
            work.forEach(j -> j.result().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < work.size(); i++) {
            work.get(i).result().complete(results.get(i));
        }
    }

    private void runAlone(Job<T, R> job) {
        try {
            R result = alone.apply(job.input());
            job.result().complete(result);
        } catch (RuntimeException e) {
            job.result().completeExceptionally(e);
        }
    }
}
