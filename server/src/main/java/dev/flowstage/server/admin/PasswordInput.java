package dev.flowstage.server.admin;

import dev.flowstage.storage.secret.Tokens;
import dev.flowstage.web.api.users.UsersResource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Where an admin command's password comes from: generated (and printed by the command), or the first
 * line of standard input with {@code --password-stdin}, never the command line, which every local
 * user can read.
 */
final class PasswordInput {
    private PasswordInput() {}

    /** The password, and whether it was generated (and so must be printed). */
    record Password(String value, boolean generated) {}

    static Password read(boolean fromStdin, InputStream stdin) throws IOException {
        if (!fromStdin) {
            return new Password(Tokens.randomPassword(), true);
        }
        String line = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.length() < UsersResource.MIN_PASSWORD || line.length() > UsersResource.MAX_PASSWORD) {
            throw new AdminException("the password on standard input must be " + UsersResource.MIN_PASSWORD + " to "
                    + UsersResource.MAX_PASSWORD + " characters long");
        }
        return new Password(line, false);
    }
}
