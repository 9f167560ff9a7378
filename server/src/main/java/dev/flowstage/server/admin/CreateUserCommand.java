package dev.flowstage.server.admin;

import dev.flowstage.storage.InvalidNameException;
import dev.flowstage.storage.meta.MetaConflictException;
import dev.flowstage.storage.secret.PasswordHasher;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flowstage admin create-user NAME [--admin]}: a user made without the API, e.g. a second admin. */
@Command(name = "create-user", mixinStandardHelpOptions = true,
        description = {"Create user NAME with a generated password (printed), or the first line of standard input"
                + " with --password-stdin."})
final class CreateUserCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DataDirOption data;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--admin", description = "make the user a server admin")
    boolean admin;

    @Option(names = "--password-stdin", description = "read the password from standard input")
    boolean passwordStdin;

    @Override
    public Integer call() throws Exception {
        try (OfflineSite offline = OfflineSite.open(data.dir)) {
            if (offline.site().user(name).isPresent()) {
                throw new AdminException("user '" + name + "' already exists (reset its password with"
                        + " 'admin reset-password " + name + "')");
            }
            PasswordInput.Password password = PasswordInput.read(passwordStdin, System.in);
            try {
                offline.site().createUser(name, new PasswordHasher().hash(password.value()), admin);
            } catch (InvalidNameException | MetaConflictException e) {
                throw new AdminException(e.getMessage());
            }
            String what = (admin ? "admin user '" : "user '") + name + "'";
            spec.commandLine().getOut().println(password.generated()
                    ? "Created " + what + " with password: " + password.value()
                    : "Created " + what + ".");
        }
        return 0;
    }
}
