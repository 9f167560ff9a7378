package dev.flowstage.hooks;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A value made on first use, once, by whichever thread asks first; for things that cost start-up time
 * and threads (HTTP clients) but may never be needed.
 */
public final class Lazy<T> implements Supplier<T> {
    private final Supplier<T> make;
    private volatile T value;

    public Lazy(Supplier<T> make) {
        this.make = Objects.requireNonNull(make);
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                v = value;
                if (v == null) {
                    v = Objects.requireNonNull(make.get(), "a lazy value may not be null");
                    value = v;
                }
            }
        }
        return v;
    }
}
