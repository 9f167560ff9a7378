package dev.flowstage.server;

import java.util.Optional;
import picocli.CommandLine;

/**
 * The version every command prints for {@code --version} / {@code -V}: {@code flowstage <version>}, the
 * {@code Implementation-Version} the build writes into the jar's manifest from the Maven project
 * version, or {@code dev} when run from classes (an IDE, the unit tests).
 */
public final class FlowstageVersion implements CommandLine.IVersionProvider {
    /** What is printed when no manifest says otherwise. */
    public static final String DEV = "dev";

    /** The version alone: {@code 0.1.0} or {@link #DEV}. */
    public static String version() {
        return Optional.ofNullable(FlowstageVersion.class.getPackage())
                .map(Package::getImplementationVersion)
                .filter(v -> !v.isBlank())
                .orElse(DEV);
    }

    @Override
    public String[] getVersion() {
        return new String[] {"flowstage " + version()};
    }
}
