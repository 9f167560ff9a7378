package dev.flowstage.agent.config;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.flowstage.agent.AgentException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Reads and writes the agent's config file (JSON). It holds the device token, so it is written readable by
 * its owner only ({@code rw-------}, in a folder created {@code rwx------}), replaced atomically, and a
 * config file that others can read is refused on load with a message saying how to fix it.
 */
public final class AgentConfigFile {
    /** The config file used when {@code --config} is not given: {@code ~/.flowstage-agent/config.json}. */
    public static Path defaultPath() {
        String home = System.getenv("FLOWSTAGE_AGENT_HOME");
        Path dir = home != null && !home.isBlank() ? Path.of(home)
                : Path.of(System.getProperty("user.home"), ".flowstage-agent");
        return dir.resolve("config.json");
    }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");

    private AgentConfigFile() {}

    /** Writes {@code config} to {@code file}, owner-only, replacing what was there. */
    public static void write(Path file, AgentConfig config) {
        Path abs = file.toAbsolutePath();
        try {
            Path dir = abs.getParent();
            if (!Files.isDirectory(dir)) {
                createDirectories(dir);
            }
            Path tmp = dir.resolve("." + abs.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            createOwnerFile(tmp);
            Files.write(tmp, JSON.writeValueAsBytes(config));
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new AgentException("cannot write the config file " + abs + ": " + describe(e));
        }
    }

    /** Reads the config at {@code file}. */
    public static AgentConfig read(Path file) {
        Path abs = file.toAbsolutePath();
        byte[] bytes;
        try {
            if (isPosix(abs)) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(abs);
                if (perms.stream().anyMatch(p -> p.name().startsWith("GROUP_") || p.name().startsWith("OTHERS_"))) {
                    throw new AgentException("the config file " + abs + " holds the device token but others may read it ("
                            + PosixFilePermissions.toString(perms) + "): run chmod 600 " + abs);
                }
            }
            bytes = Files.readAllBytes(abs);
        } catch (NoSuchFileException e) {
            throw new AgentException("no config file at " + abs + ": provision the device with `flowstage-agent init`"
                    + " (or name the file with --config)");
        } catch (IOException e) {
            throw new AgentException("cannot read the config file " + abs + ": " + describe(e));
        }
        AgentConfig config;
        try {
            config = JSON.readValue(bytes, AgentConfig.class);
        } catch (IOException e) {
            throw new AgentException("the config file " + abs + " is not valid JSON of an agent config: "
                    + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
        }
        require(abs, config.server(), "server");
        require(abs, config.team(), "team");
        require(abs, config.device(), "device");
        require(abs, config.token(), "token");
        require(abs, config.git() == null ? null : config.git().url(), "git.url");
        require(abs, config.signingKey() == null ? null : config.signingKey().armored(), "signingKey.armored");
        require(abs, config.nodeRed() == null ? null : config.nodeRed().url(), "nodeRed.url");
        return config;
    }

    private static void require(Path file, String value, String name) {
        if (value == null || value.isBlank()) {
            throw new AgentException("the config file " + file + " has no " + name + ": run `flowstage-agent init` again");
        }
    }

    private static void createDirectories(Path dir) throws IOException {
        if (isPosix(dir.getRoot())) {
            Path parent = dir.getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                Files.createDirectories(parent);
            }
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
            } catch (FileAlreadyExistsException e) {
                // made meanwhile
            }
        } else {
            Files.createDirectories(dir);
        }
    }

    private static void createOwnerFile(Path file) throws IOException {
        if (isPosix(file.getParent())) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        } else {
            Files.createFile(file);
        }
    }

    private static boolean isPosix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}
