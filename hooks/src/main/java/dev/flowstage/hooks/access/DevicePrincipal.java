package dev.flowstage.hooks.access;

/** A device signed in with its own token or key; it may only reach its own repository. */
public record DevicePrincipal(String team, String name) implements Principal {
    @Override
    public String displayName() {
        return "device:" + team + "/" + name;
    }
}
