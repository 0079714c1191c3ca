package io.alertrelay.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The packaged jar as a process, for the *IT tests that need a real process (kill, restart, heap). */
public final class PackagedRelay {

    private PackagedRelay() {
    }

    /** Starts the jar in {@code workDir} (its ./application.yaml applies), appending its output to {@code log}. */
    public static Process start(Path workDir, Path log, String... jvmArgs) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of(jvmArgs));
        command.add("-jar");
        command.add(Path.of(System.getProperty("relay.jar", "target/alert-relay.jar")).toAbsolutePath().toString());
        return new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toAbsolutePath().toFile()))
                .start();
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
