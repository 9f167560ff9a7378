package dev.flowstage.agent.cli;

import picocli.CommandLine;

/** The agent's version, from the jar's manifest ({@code Implementation-Version}). */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"flowstage-agent " + (v == null ? "(development build)" : v),
            "Java " + System.getProperty("java.version")};
    }
}
