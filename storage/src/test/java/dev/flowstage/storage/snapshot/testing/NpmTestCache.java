package dev.flowstage.storage.snapshot.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Installs and unpacks npm packages for tests, once per machine: results are cached under
 * {@code ~/.cache/flowstage-test} (or the {@code flowstage.test.cache} system property, or the
 * {@code FLOWSTAGE_TEST_CACHE} environment variable) and reused by later runs. When npm or its
 * registry cannot be reached the calling test fails with a message that says so; it is never skipped.
 */
public final class NpmTestCache {
    private static final long NPM_TIMEOUT_MINUTES = 10;
    private static final String COMPLETE = ".complete";

    private NpmTestCache() {}

    /** The cache folder. */
    public static Path root() {
        String configured = System.getProperty("flowstage.test.cache", System.getenv("FLOWSTAGE_TEST_CACHE"));
        return configured != null && !configured.isBlank()
                ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".cache", "flowstage-test");
    }

    /**
     * A folder whose {@code node_modules} holds {@code specs} (e.g. {@code node-red@5.0.7}) and their
     * dependencies, installed by {@code npm install} on first use.
     */
    public static synchronized Path install(String... specs) {
        Path dir = root().resolve("install-" + key(specs));
        return cached(dir, tmp -> {
            Files.writeString(tmp.resolve("package.json"), "{\"name\":\"flowstage-test-cache\",\"private\":true}\n");
            List<String> cmd = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--loglevel=error"));
            cmd.addAll(List.of(specs));
            npm(tmp, cmd);
        });
    }

    /** The {@code package} folder of the tarball of {@code spec}, fetched by {@code npm pack} and unpacked. */
    public static synchronized Path unpack(String spec) {
        Path dir = root().resolve("pack-" + key(spec));
        cached(dir, tmp -> {
            npm(tmp, List.of("npm", "pack", "--loglevel=error", spec));
            Path tarball;
            try (Stream<Path> files = Files.list(tmp)) {
                tarball = files.filter(p -> p.toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack " + spec + " wrote no .tgz"));
            }
            run(tmp, List.of("tar", "-xzf", tarball.getFileName().toString()), "tar -xzf " + tarball.getFileName());
            Files.delete(tarball);
        });
        return dir.resolve("package");
    }

    @FunctionalInterface
    private interface Filler {
        void fill(Path tmp) throws IOException, InterruptedException;
    }

    /** {@code dir} filled once: built in a temporary sibling under a lock, then renamed into place. */
    private static Path cached(Path dir, Filler filler) {
        if (Files.exists(dir.resolve(COMPLETE))) {
            return dir;
        }
        try {
            Files.createDirectories(dir.getParent());
            try (FileChannel lockFile = FileChannel.open(dir.getParent().resolve(".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockFile.lock()) {
                if (Files.exists(dir.resolve(COMPLETE))) {
                    return dir; // another process filled it while we waited
                }
                deleteTree(dir);
                Path tmp = Files.createTempDirectory(dir.getParent(), dir.getFileName() + ".tmp-");
                try {
                    filler.fill(tmp);
                    Files.writeString(tmp.resolve(COMPLETE), "");
                    try {
                        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, dir);
                    }
                } finally {
                    deleteTree(tmp);
                }
            }
        } catch (IOException e) {
            fail("preparing the npm test cache at " + dir + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail("interrupted while preparing " + dir);
        }
        return dir;
    }

    private static void npm(Path dir, List<String> cmd) throws IOException, InterruptedException {
        run(dir, cmd, String.join(" ", cmd) + " (is the npm registry reachable? `npm config get registry` names it)");
    }

    private static void run(Path dir, List<String> cmd, String what) throws IOException, InterruptedException {
        Path log = Files.createTempFile("flowstage-npm", ".log");
        try {
            Process p;
            try {
                p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                fail(cmd.get(0) + " could not be started (is it installed and on the PATH?): " + e.getMessage());
                return;
            }
            if (!p.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                fail(what + " did not finish within " + NPM_TIMEOUT_MINUTES + " minutes; output:\n" + tail(log));
            }
            if (p.exitValue() != 0) {
                fail(what + " failed with exit code " + p.exitValue() + "; output:\n" + tail(log));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 25), lines.size()));
    }

    private static String key(String... specs) {
        return String.join("+", specs).replaceAll("[^A-Za-z0-9.@+-]", "_").replace("@", "-").replaceAll("^-", "");
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
