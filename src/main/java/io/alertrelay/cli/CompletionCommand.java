package io.alertrelay.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "completion", description = {"print a bash (or zsh) completion script for the command alert-relay",
        "e.g. alias alert-relay='java -jar /opt/alert-relay/alert-relay.jar'; source <(alert-relay completion)"})
final class CompletionCommand implements Callable<Integer> {

    /** The name the script completes: "java -jar alert-relay.jar" is not one word a shell can complete. */
    static final String COMMAND = "alert-relay";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(AutoComplete.bash(COMMAND, spec.root().commandLine()));
        return 0;
    }
}
