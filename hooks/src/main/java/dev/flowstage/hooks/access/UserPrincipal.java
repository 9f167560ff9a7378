package dev.flowstage.hooks.access;

import dev.flowstage.storage.meta.TokenScope;

/** A signed-in user; {@code scope} is the token's scope, or ADMIN for a password or SSH key. */
public record UserPrincipal(String name, boolean admin, TokenScope scope) implements Principal {
    @Override
    public String displayName() {
        return name;
    }
}
