package dev.flowstage.storage.meta;

/** Who owns an SSH key or a token: a user ({@code team} and {@code device} null) or a device. */
public record KeyOwner(String user, String team, String device) {
    public static KeyOwner user(String user) {
        return new KeyOwner(user, null, null);
    }

    public static KeyOwner device(String team, String device) {
        return new KeyOwner(null, team, device);
    }

    public boolean isDevice() {
        return device != null;
    }
}
