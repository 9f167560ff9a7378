package dev.flowstage.hooks.devices;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a device says about the commit it reports: its flows run, failed to apply, or are stopped. */
public enum DeviceState {
    RUNNING, ERROR, STOPPED;

    /** The JSON spelling: {@code running}, {@code error}, {@code stopped}. */
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<DeviceState> parse(String json) {
        return Arrays.stream(values()).filter(s -> s.json().equals(json)).findFirst();
    }

    /** "running, error or stopped", for messages. */
    public static String choices() {
        String all = Arrays.stream(values()).map(DeviceState::json).collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " or " + all.substring(last + 2);
    }
}
