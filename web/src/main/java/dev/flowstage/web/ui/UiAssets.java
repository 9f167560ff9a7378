package dev.flowstage.web.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Enumeration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The web UI's files, read once from the class path (the server jar, or {@code target/classes} in a
 * build) under {@value #ROOT}, with a version that is a hash of all their contents: assets are served
 * under {@code /ui/VERSION/} and may be cached for ever, because any change makes a new version.
 */
public final class UiAssets {
    static final String ROOT = "dev/flowstage/web/ui/";
    static final String INDEX = "index.html";

    /** One file: its bytes and content type. */
    public record Asset(byte[] bytes, String contentType) {}

    private final Map<String, Asset> files;
    private final String version;

    private UiAssets(Map<String, Asset> files, String version) {
        this.files = files;
        this.version = version;
    }

    /** Loads every file under {@value #ROOT} from the class path this class came from. */
    public static UiAssets load() {
        Map<String, byte[]> raw = new TreeMap<>();
        try {
            URL root = UiAssets.class.getClassLoader().getResource(ROOT + INDEX);
            if (root == null) {
                throw new IllegalStateException("the web UI is missing from the class path: " + ROOT + INDEX);
            }
            if ("jar".equals(root.getProtocol())) {
                String spec = root.getPath(); // file:/path/to.jar!/dev/flowstage/...
                Path jar = Path.of(new URL(spec.substring(0, spec.indexOf("!/"))).toURI());
                try (JarFile jf = new JarFile(jar.toFile())) {
                    for (Enumeration<JarEntry> e = jf.entries(); e.hasMoreElements(); ) {
                        JarEntry entry = e.nextElement();
                        if (!entry.isDirectory() && entry.getName().startsWith(ROOT)) {
                            try (InputStream in = jf.getInputStream(entry)) {
                                raw.put(entry.getName().substring(ROOT.length()), in.readAllBytes());
                            }
                        }
                    }
                }
            } else {
                Path dir = Path.of(root.toURI()).getParent();
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.filter(Files::isRegularFile).toList()) {
                        raw.put(dir.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web UI's files", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the web UI's files", e);
        }
        return of(raw);
    }

    /** From files given by path (relative to the UI root); {@value #INDEX} must be among them. */
    static UiAssets of(Map<String, byte[]> raw) {
        if (!raw.containsKey(INDEX)) {
            throw new IllegalStateException("the web UI has no " + INDEX);
        }
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        Map<String, Asset> files = new TreeMap<>();
        for (var e : new TreeMap<>(raw).entrySet()) {
            sha.update(e.getKey().getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(e.getValue());
            sha.update((byte) 0);
            files.put(e.getKey(), new Asset(e.getValue(), contentType(e.getKey())));
        }
        return new UiAssets(Map.copyOf(files), HexFormat.of().formatHex(sha.digest()).substring(0, 12));
    }

    /** The content hash all asset URLs carry. */
    public String version() {
        return version;
    }

    /** A file by its path under the UI root (no leading slash); never the index template. */
    public Optional<Asset> asset(String path) {
        if (path == null || path.equals(INDEX) || path.contains("..")) {
            return Optional.empty();
        }
        return Optional.ofNullable(files.get(path));
    }

    /** The one page, with its asset URLs pointing at this version. */
    public byte[] index() {
        String html = new String(files.get(INDEX).bytes(), StandardCharsets.UTF_8);
        return html.replace("{{assets}}", "/ui/" + version).getBytes(StandardCharsets.UTF_8);
    }

    static String contentType(String path) {
        int dot = path.lastIndexOf('.');
        String ext = dot < 0 ? "" : path.substring(dot + 1);
        return switch (ext) {
            case "js", "mjs" -> "text/javascript; charset=UTF-8";
            case "css" -> "text/css; charset=UTF-8";
            case "html" -> "text/html; charset=UTF-8";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            case "json" -> "application/json";
            case "woff2" -> "font/woff2";
            default -> "application/octet-stream";
        };
    }
}
