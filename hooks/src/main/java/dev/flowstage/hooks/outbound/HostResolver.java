package dev.flowstage.hooks.outbound;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Turns a host name into addresses; the system's DNS in production, a fixed table in tests. */
@FunctionalInterface
public interface HostResolver {
    /** The JVM's resolver (IP literals are returned without a lookup). */
    HostResolver SYSTEM = InetAddress::getAllByName;

    InetAddress[] resolve(String host) throws UnknownHostException;
}
