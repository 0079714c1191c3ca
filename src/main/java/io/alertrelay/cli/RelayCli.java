package io.alertrelay.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The command line of the jar: talks to a running relay's REST API, prints a table (or the raw JSON
 * with --json). Exit codes: 0 done, 1 the API refused or could not be reached (or a channel test did
 * not succeed), 2 the command line itself is wrong.
 */
@Command(name = "java -jar alert-relay.jar",
        // help options, the version and the usage heading apply to every command below this one
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = RelayCli.Version.class,
        synopsisHeading = "usage: ",
        description = "A client of a running relay: it calls the relay's REST API and prints a table"
                + " (or the API's JSON with --json).",
        subcommands = {ChannelsCommand.class, DeliveriesCommand.class, KeysCommand.class, SilencesCommand.class,
                AlertsCommand.class, CompletionCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done",
                "1:the relay refused (its message is printed), could not be reached, or a channel test did not end sent",
                "2:the command line is wrong"})
public final class RelayCli {

    static final String API_KEY_ENV = "ALERT_RELAY_API_KEY";
    /** What the jar takes for the CLI's own options rather than the server's (which all start with --). */
    private static final Set<String> CLI_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    @Mixin
    ConnectionOptions connection;

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> env;

    private RelayCli(PrintStream out, PrintStream err, Map<String, String> env) {
        this.out = out;
        this.err = err;
        this.env = env;
    }

    /**
     * Whether the jar's arguments are for the CLI rather than the server. The server takes only options
     * (--server.port=9090), so any word is a command, a misspelt one included (that gets a suggestion
     * instead of starting a server), wherever it stands: --url may come before it.
     */
    public static boolean handles(String[] args) {
        return Arrays.stream(args).anyMatch(a -> !a.startsWith("-") || CLI_OPTIONS.contains(a));
    }

    public static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env) {
        CommandLine cli = new CommandLine(new RelayCli(out, err, env))
                // an argument starting with @ is an id or a matcher, not a file of arguments to read
                .setExpandAtFiles(false)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .setParameterExceptionHandler(RelayCli::usageMistake)
                .setExecutionExceptionHandler(RelayCli::failed);
        try {
            return cli.execute(args);
        } finally {
            cli.getOut().flush();
            cli.getErr().flush();
        }
    }

    /** The client every command talks through, from --url, --api-key (or the environment) and --json. */
    RelayClient client() {
        String url = connection.url.endsWith("/") ? connection.url.substring(0, connection.url.length() - 1) : connection.url;
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new UsageError("--url must start with http:// or https://, got \"" + url + "\"");
        }
        String key = connection.apiKey != null ? connection.apiKey : env.get(API_KEY_ENV);
        return new RelayClient(url, key, connection.json, out, err);
    }

    /** A usage mistake found by a command itself (beyond what its annotations say): exit code 2. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }

    /** The API said no, or could not be reached: exit code 1. */
    static final class ApiError extends RuntimeException {
        ApiError(String message) {
            super(message);
        }
    }

    private static int usageMistake(ParameterException e, String[] args) {
        String message = e.getMessage();
        if (e instanceof UnmatchedArgumentException u && !u.isUnknownOption()) {
            CommandLine where = e.getCommandLine();
            message = where.getSubcommands().isEmpty() ? "unexpected argument(s) " + u.getUnmatched()
                    : "unknown command \"" + (where.getParent() == null ? "" : where.getCommandName() + " ")
                            + u.getUnmatched().get(0) + "\"";
        }
        return usage(message, e, e.getCommandLine());
    }

    /**
     * The mistake, a "Did you mean" for a misspelt command or option, then the short usage of the command
     * at hand (its synopsis and commands; --help has the rest).
     */
    private static int usage(String message, ParameterException e, CommandLine where) {
        PrintWriter err = where.getErr();
        err.println("error: " + message);
        if (e != null) {
            UnmatchedArgumentException.printSuggestions(e, err);
        }
        err.println();
        Help help = where.getHelp();
        err.print(help.synopsisHeading() + help.synopsis(help.synopsisHeadingLength()));
        if (!where.getSubcommands().isEmpty()) {
            err.print(help.commandListHeading() + help.commandList());
        }
        err.println();
        err.println("See '" + where.getCommandSpec().qualifiedName() + " --help' for the options.");
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    private static int failed(Exception e, CommandLine where, ParseResult parsed) throws Exception {
        if (e instanceof UsageError) {
            return usage(e.getMessage(), null, where);
        }
        if (e instanceof ApiError) {
            where.getErr().println("error: " + e.getMessage());
            where.getErr().flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
        throw e;
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = RelayCli.class.getPackage().getImplementationVersion();
            return new String[] {"alert-relay " + (version == null ? "(development build)" : version)};
        }
    }
}
