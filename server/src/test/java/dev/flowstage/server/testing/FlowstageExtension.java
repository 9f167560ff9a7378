package dev.flowstage.server.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Boots the whole server once per test class on ephemeral ports with a temporary data dir, and
 * hands it to {@code @BeforeAll}/test methods as a {@link TestServer} parameter.
 */
public final class FlowstageExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(FlowstageExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Path root = Files.createTempDirectory("flowstage-it-");
        TestServer server = TestServer.start(root);
        context.getStore(NS).put("server", server);
        context.getStore(NS).put("root", root);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        TestServer server = context.getStore(NS).remove("server", TestServer.class);
        Path root = context.getStore(NS).remove("root", Path.class);
        if (server != null) {
            server.close();
        }
        if (root != null) {
            TestServer.deleteTree(root);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
        return p.getParameter().getType() == TestServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) {
        return e.getRoot() == e ? null : find(e);
    }

    private static TestServer find(ExtensionContext e) {
        for (ExtensionContext c = e; c != null; c = c.getParent().orElse(null)) {
            TestServer s = c.getStore(NS).get("server", TestServer.class);
            if (s != null) {
                return s;
            }
        }
        throw new IllegalStateException("no Flowstage server started for " + e.getDisplayName());
    }
}
