package io.alertrelay.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * The writer holds its thread on a first write while three more queue up behind it, so that those three
 * arrive as one batch.
 */
class GroupCommitTest {

    private final CountDownLatch firstStarted = new CountDownLatch(1);
    private final CountDownLatch releaseFirst = new CountDownLatch(1);
    private final List<List<String>> batches = new CopyOnWriteArrayList<>();
    private final ExecutorService callers = Executors.newFixedThreadPool(4);
    private GroupCommit<String, String> commit;

    @AfterEach
    void stop() {
        callers.shutdownNow();
        if (commit != null) {
            commit.stop();
        }
    }

    private String alone(String input) {
        if (input.equals("first")) {
            firstStarted.countDown();
            try {
                releaseFirst.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (input.startsWith("bad")) {
            throw new DataIntegrityViolationException("value too long for " + input);
        }
        return "stored " + input;
    }

    private List<Future<String>> firstThenThree(String... three) throws Exception {
        Future<String> first = callers.submit(() -> commit.write("first"));
        assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<String>> rest = new ArrayList<>();
        for (String s : three) {
            rest.add(callers.submit(() -> commit.write(s)));
        }
        // all three queued behind the held first write
        Thread.sleep(200);
        releaseFirst.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("stored first");
        return rest;
    }

    @Test
    void writesQueuedTogetherShareOneCommitAndEachCallerGetsItsOwnAnswer() throws Exception {
        commit = new GroupCommit<>("test-commit", 100, 10, 0, inputs -> {
            batches.add(inputs);
            return inputs.stream().map(i -> "stored " + i).toList();
        }, this::alone);
        List<Future<String>> rest = firstThenThree("a", "b", "c");
        List<String> answers = new ArrayList<>();
        for (Future<String> f : rest) {
            answers.add(f.get(10, TimeUnit.SECONDS));
        }
        assertThat(answers).containsExactly("stored a", "stored b", "stored c");
        assertThat(batches).hasSize(1);
        assertThat(batches.get(0)).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void dataTheDatabaseRefusesFailsOnlyItsOwnCaller() throws Exception {
        commit = new GroupCommit<>("test-commit", 100, 10, 0, inputs -> {
            if (inputs.stream().anyMatch(i -> i.startsWith("bad"))) {
                throw new DataIntegrityViolationException("one of the batch is refused");
            }
            return inputs.stream().map(i -> "stored " + i).toList();
        }, this::alone);
        List<Future<String>> rest = firstThenThree("a", "bad-b", "c");
        assertThat(rest.get(0).get(10, TimeUnit.SECONDS)).isEqualTo("stored a");
        assertThat(rest.get(2).get(10, TimeUnit.SECONDS)).isEqualTo("stored c");
        assertThatThrownBy(() -> rest.get(1).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(DataIntegrityViolationException.class)
                .hasMessageContaining("bad-b");
    }

    @Test
    void aDatabaseOutageIsEveryCallersAnswerWithoutRetryingEachAlone() throws Exception {
        List<String> aloneCalls = new CopyOnWriteArrayList<>();
        commit = new GroupCommit<>("test-commit", 100, 10, 0, inputs -> {
            throw new DataAccessResourceFailureException("database is down");
        }, input -> {
            aloneCalls.add(input);
            return alone(input);
        });
        List<Future<String>> rest = firstThenThree("a", "b", "c");
        for (Future<String> f : rest) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(DataAccessResourceFailureException.class);
        }
        assertThat(aloneCalls).containsExactly("first");
    }

    @Test
    void whileCallersOverlapCommitsArePacedSoThatWritesShareThem() throws Exception {
        commit = new GroupCommit<>("test-commit", 100, 10, 2_000_000, inputs -> {
            batches.add(inputs);
            return inputs.stream().map(i -> "stored " + i).toList();
        }, this::alone);
        for (Future<String> f : firstThenThree("a", "b", "c")) {
            f.get(10, TimeUnit.SECONDS);
        }
        // right after a shared commit, the next writes wait for the pace (2 s) and go together
        List<Future<String>> burst = new ArrayList<>();
        for (String s : List.of("x", "y", "z")) {
            burst.add(callers.submit(() -> commit.write(s)));
        }
        for (Future<String> f : burst) {
            assertThat(f.get(10, TimeUnit.SECONDS)).startsWith("stored ");
        }
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).containsExactlyInAnyOrder("x", "y", "z");
    }

    @Test
    void aLoneSequentialCallerIsNotPaced() {
        commit = new GroupCommit<>("test-commit", 100, 10, 2_000_000, inputs -> {
            batches.add(inputs);
            return inputs.stream().map(i -> "stored " + i).toList();
        }, this::alone);
        long start = System.nanoTime();
        for (int i = 0; i < 3; i++) {
            assertThat(commit.write("seq-" + i)).isEqualTo("stored seq-" + i);
        }
        // paced, the three would have taken at least 4 s
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(2000);
    }
}
