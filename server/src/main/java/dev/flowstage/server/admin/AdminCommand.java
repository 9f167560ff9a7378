package dev.flowstage.server.admin;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code flowstage admin …}: user management on a stopped server's data directory. */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Manage users in the data directory of a stopped server (refused while one runs on it).",
        subcommands = {ResetPasswordCommand.class, CreateUserCommand.class})
public final class AdminCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return CommandLine.ExitCode.USAGE;
    }
}
