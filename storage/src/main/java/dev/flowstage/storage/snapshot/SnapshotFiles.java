package dev.flowstage.storage.snapshot;

import java.util.List;

/** The file names of a snapshot tree (SPEC §3.2), laid out like a Node-RED Project. */
public final class SnapshotFiles {
    public static final String FLOWS = "flows.json";
    public static final String CREDENTIALS = "flows_cred.json";
    public static final String PACKAGE = "package.json";
    public static final String SETTINGS = "settings.json";
    public static final String ENV = "env.json";
    public static final String README = "README.md";

    /** Every file a snapshot may hold, in the order they are listed in the spec. */
    public static final List<String> ALL = List.of(FLOWS, CREDENTIALS, PACKAGE, SETTINGS, ENV, README);

    private SnapshotFiles() {}

    public static boolean isSnapshotFile(String path) {
        return ALL.contains(path);
    }
}
