package dev.flowstage.server.admin;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data DIR}, else {@code FLOWSTAGE_DATA}, else {@code ./data}: the data directory as {@code serve} finds it. */
final class DataDirOption {
    @Option(names = "--data", paramLabel = "DIR", defaultValue = "${env:FLOWSTAGE_DATA:-./data}",
            description = "data directory of the stopped server (env FLOWSTAGE_DATA, default ./data)")
    Path dir;
}
