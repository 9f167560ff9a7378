package dev.flowstage.server.e2e;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.glassfish.jersey.server.model.Resource;
import org.glassfish.jersey.server.model.ResourceMethod;

/**
 * The REST API's calls as Jersey models them ({@link Resource#from}), for every JAX-RS root
 * resource class of the web module found on the class path, so a test cannot forget one.
 */
final class JerseyResources {
    private JerseyResources() {}

    /** {@code "GET teams/{team}/members"}, ... for every resource method; template regexes removed. */
    static Set<String> calls() throws Exception {
        Set<String> calls = new TreeSet<>();
        for (Class<?> c : classes()) {
            collect(Resource.from(c), "", calls);
        }
        return calls;
    }

    private static void collect(Resource r, String prefix, Set<String> out) {
        String path = join(prefix, r.getPath());
        for (ResourceMethod m : r.getResourceMethods()) {
            out.add(m.getHttpMethod() + " " + path);
        }
        for (Resource child : r.getChildResources()) {
            collect(child, path, out);
        }
    }

    /** Jersey's path with regular expressions of templates removed: {@code {kind: a|b}} → {@code {kind}}. */
    private static String join(String prefix, String path) {
        String p = path == null ? "" : path.replaceAll("\\{([A-Za-z]+)\\s*:[^}]*}", "{$1}").replaceAll("^/|/$", "");
        return prefix.isEmpty() ? p : p.isEmpty() ? prefix : prefix + "/" + p;
    }

    static List<Class<?>> classes() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(dev.flowstage.web.api.ApiResourceConfig.class.getProtectionDomain().getCodeSource()
                .getLocation().toURI());
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.filter(f -> f.toString().endsWith(".class"))
                        .forEach(f -> names.add(root.relativize(f).toString().replace(java.io.File.separatorChar, '/')));
            }
        } else {
            try (java.util.jar.JarFile jar = new java.util.jar.JarFile(root.toFile())) {
                jar.stream().forEach(e -> names.add(e.getName()));
            }
        }
        List<Class<?>> found = new ArrayList<>();
        for (String n : names) {
            if (!n.endsWith(".class") || n.contains("$")) {
                continue;
            }
            Class<?> c = Class.forName(n.replace('/', '.').replaceAll("\\.class$", ""), false,
                    JerseyResources.class.getClassLoader());
            // ApiWarmUp's probe is a nested class, never served
            if (c.isAnnotationPresent(jakarta.ws.rs.Path.class) && !Modifier.isAbstract(c.getModifiers())) {
                found.add(c);
            }
        }
        return found;
    }
}
