package dev.flowstage.server.config;

/**
 * A listening port as configured: a fixed port 1-65535, {@link #OFF} (0, the listener is not started)
 * or {@link #RANDOM} (the value {@code random}: the OS picks a free port, for tests and side-by-side
 * instances; the bound port is read back from the running listener).
 */
public record Port(int value) {
    public static final Port OFF = new Port(0);
    public static final Port RANDOM = new Port(-1);

    public Port {
        if (value < -1 || value > 65535) {
            throw new IllegalArgumentException("port out of range: " + value);
        }
    }

    public static Port of(int value) {
        return new Port(value);
    }

    public boolean enabled() {
        return value != 0;
    }

    public boolean random() {
        return value == -1;
    }

    /** The number to hand a socket bind: 0 (ephemeral) for {@link #RANDOM}. */
    public int bindValue() {
        if (!enabled()) {
            throw new IllegalStateException("listener is off");
        }
        return random() ? 0 : value;
    }

    /** As written in configuration: {@code 8080}, {@code 0} or {@code random}. */
    @Override
    public String toString() {
        return random() ? "random" : Integer.toString(value);
    }
}
