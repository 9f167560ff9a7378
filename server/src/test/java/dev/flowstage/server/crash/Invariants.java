package dev.flowstage.server.crash;

import com.fasterxml.jackson.databind.JsonNode;
import dev.flowstage.server.testing.ProcessResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What must hold after every restart, whatever the kill interrupted. Each check returns the problems
 * it found (empty when clean) rather than throwing, so one trial reports all of them at once.
 */
final class Invariants {
    /** Final run states, and those a restart may leave because the run resumes from them. */
    static final Set<String> FINAL = Set.of("succeeded", "failed", "rejected");
    static final Set<String> RESUMABLE = Set.of("queued", "awaiting_approval");

    private Invariants() {}

    /** {@code git fsck --strict} (the real git) of {@code site.git} and every {@code repos/*}{@code /*.git}. */
    static List<String> fsckAll(CrashRig rig) throws IOException {
        List<Path> repos = new ArrayList<>();
        repos.add(rig.data.resolve("site.git"));
        Path root = rig.data.resolve("repos");
        if (Files.isDirectory(root)) {
            try (Stream<Path> teams = Files.list(root)) {
                for (Path team : teams.toList()) {
                    try (Stream<Path> r = Files.list(team)) {
                        r.filter(p -> p.getFileName().toString().endsWith(".git")).sorted().forEach(repos::add);
                    }
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (Path repo : repos) {
            ProcessResult fsck = rig.git.run(repo, "fsck", "--strict", "--no-progress");
            if (!fsck.ok()) {
                problems.add("git fsck --strict " + rig.data.relativize(repo) + ": " + fsck);
            }
        }
        return problems;
    }

    /**
     * Waits (up to two minutes) until no run of the pipeline is {@code running} or {@code queued}:
     * recovery has finished, so a run still {@code running} then was left behind. Returns the runs.
     */
    static List<JsonNode> settledRuns(CrashRig rig, String pipeline) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        List<JsonNode> runs;
        do {
            runs = rig.listAll("/api/v1/teams/" + CrashRig.TEAM + "/pipelines/" + pipeline + "/runs");
            boolean moving = runs.stream().map(r -> r.path("status").asText())
                    .anyMatch(s -> s.equals("running") || s.equals("queued"));
            if (!moving) {
                return runs;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        return runs;
    }

    /** Every run is final or resumable ({@code queued}, {@code awaiting_approval}); none is {@code running}. */
    static List<String> runStates(List<JsonNode> runs) {
        List<String> problems = new ArrayList<>();
        for (JsonNode r : runs) {
            String s = r.path("status").asText();
            if (!FINAL.contains(s) && !RESUMABLE.contains(s)) {
                problems.add("run " + r.path("id").asText() + " is '" + s + "' after recovery: " + r);
            }
        }
        return problems;
    }

    /** Every id the API acknowledged (202 with the run) is still a run. */
    static List<String> acknowledgedRuns(List<JsonNode> runs, Set<String> acknowledged) {
        Set<String> ids = new HashSet<>();
        runs.forEach(r -> ids.add(r.path("id").asText()));
        List<String> problems = new ArrayList<>();
        for (String id : acknowledged) {
            if (!ids.contains(id)) {
                problems.add("run " + id + " was acknowledged (202) but is gone after the restart");
            }
        }
        return problems;
    }

    /**
     * No promotion into {@code target} is half-applied: every commit on its main that carries a
     * {@code Flowstage-Run} trailer has the promoted files of the source commit its
     * {@code Flowstage-Source} trailer names; a succeeded run's commit is on main; a run that
     * failed or was rejected has no commit on main.
     */
    static List<String> promotions(CrashRig rig, String source, String target, List<JsonNode> runs) {
        List<String> problems = new ArrayList<>();
        Path targetRepo = rig.repo(target);
        Path sourceRepo = rig.repo(source);
        String main = rig.git.ok(targetRepo, "rev-parse", "refs/heads/main").trim();
        Set<String> onMain = new HashSet<>(List.of(rig.git.ok(targetRepo, "rev-list", main).split("\n")));
        Map<String, String> runCommits = new HashMap<>();
        String log = rig.git.ok(targetRepo, "log", "--format=%H%x09%(trailers:key=Flowstage-Run,valueonly,separator=%x2C)"
                + "%x09%(trailers:key=Flowstage-Source,valueonly,separator=%x2C)", main);
        for (String line : log.split("\n")) {
            String[] f = line.split("\t", -1);
            if (f.length < 3 || f[1].isBlank()) {
                continue;
            }
            String commit = f[0];
            runCommits.put(f[1].trim(), commit);
            String src = f[2].trim();
            String prefix = CrashRig.TEAM + "/" + source + "@";
            if (!src.startsWith(prefix)) {
                problems.add("promoted commit " + commit + " on " + target + " names source '" + src + "'");
                continue;
            }
            String sourceCommit = src.substring(prefix.length());
            for (String file : List.of("flows.json", "package.json", "README.md")) {
                ProcessResult want = rig.git.run(sourceRepo, "rev-parse", "--verify", "-q", sourceCommit + ":" + file);
                ProcessResult got = rig.git.run(targetRepo, "rev-parse", "--verify", "-q", commit + ":" + file);
                boolean required = file.equals("flows.json");
                if ((want.ok() || required) && !(got.ok() && got.stdout().equals(want.stdout()))) {
                    problems.add("promoted commit " + commit + " on " + target + " (run " + f[1] + ") has " + file + " "
                            + got.stdout().trim() + " but source " + sourceCommit + " has " + want.stdout().trim());
                }
            }
        }
        for (JsonNode r : runs) {
            String id = r.path("id").asText();
            String status = r.path("status").asText();
            String after = r.path("targetAfter").asText(null);
            if (status.equals("succeeded") && (after == null || !onMain.contains(after))) {
                problems.add("run " + id + " succeeded but its commit " + after + " is not on main of " + target);
            }
            if ((status.equals("failed") || status.equals("rejected")) && runCommits.containsKey(id)) {
                problems.add("run " + id + " is " + status + " but its commit " + runCommits.get(id) + " is on main of "
                        + target);
            }
        }
        return problems;
    }
}
