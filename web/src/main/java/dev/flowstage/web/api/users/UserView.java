package dev.flowstage.web.api.users;

import dev.flowstage.storage.meta.User;
import java.time.Instant;

/** A user as the API shows it: never the password hash, keys or tokens. */
public record UserView(String name, boolean admin, Instant createdAt) {
    public static UserView of(User u) {
        return new UserView(u.name(), u.admin(), u.createdAt());
    }
}
