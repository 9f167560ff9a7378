package dev.flowstage.hooks.receive;

import dev.flowstage.hooks.pipeline.PipelineValidator;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.TeamConfig;
import dev.flowstage.storage.meta.TeamConfigFiles;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Validates a new {@code main} of a team's {@code _config.git} (SPEC §9) with the rules and messages of
 * the API: the team files as {@link TeamConfigFiles} reads them, then every pipeline definition.
 */
final class ConfigPushCheck {
    private ConfigPushCheck() {}

    /** The refusal lines for {@code commit} as the configuration of {@code team}; empty when it is valid. */
    static List<String> problems(ObjectReader reader, ObjectId commit, String team) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (RevWalk walk = new RevWalk(reader); TreeWalk tw = new TreeWalk(reader)) {
            tw.addTree(walk.parseCommit(commit).getTree());
            tw.setRecursive(true);
            while (tw.next()) {
                if (tw.getFileMode(0) != FileMode.REGULAR_FILE && tw.getFileMode(0) != FileMode.EXECUTABLE_FILE) {
                    return List.of("flowstage: " + tw.getPathString() + ": the team configuration holds regular files only");
                }
                files.put(tw.getPathString(), reader.open(tw.getObjectId(0), Constants.OBJ_BLOB)
                        .getCachedBytes(Integer.MAX_VALUE));
            }
        }
        TeamConfig config;
        try {
            config = TeamConfigFiles.parse(team, files);
        } catch (MetaInvalidException e) {
            return List.of("flowstage: " + e.getMessage());
        }
        return PipelineValidator.validateFiles(config).stream().map(p -> "flowstage: " + p).toList();
    }
}
