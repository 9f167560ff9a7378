package dev.flowstage.server.admin;

import dev.flowstage.storage.meta.User;
import dev.flowstage.storage.secret.PasswordHasher;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flowstage admin reset-password [USER]}: a new password for a user who cannot sign in. */
@Command(name = "reset-password", mixinStandardHelpOptions = true,
        description = {"Give USER (default: admin) a new password: generated and printed, or the first line of"
                + " standard input with --password-stdin. The user's tokens and keys stay valid."})
final class ResetPasswordCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataDirOption data;

    @Parameters(index = "0", arity = "0..1", defaultValue = "admin", paramLabel = "USER", description = "default: admin")
    String user;

    @Option(names = "--password-stdin", description = "read the new password from standard input")
    boolean passwordStdin;

    @Override
    public Integer call() throws Exception {
        try (OfflineSite offline = OfflineSite.open(data.dir)) {
            if (offline.site().user(user).isEmpty()) {
                throw new AdminException("there is no user '" + user + "'");
            }
            PasswordInput.Password password = PasswordInput.read(passwordStdin, System.in);
            String hash = new PasswordHasher().hash(password.value());
            offline.site().updateUser(user, u -> new User(u.name(), hash, u.admin(), u.createdAt(), u.keys(), u.tokens()));
            spec.commandLine().getOut().println(password.generated()
                    ? "New password of user '" + user + "': " + password.value()
                    : "Changed the password of user '" + user + "'.");
        }
        return 0;
    }
}
