package dev.flowstage.hooks.outbound;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Which addresses the outbound policy refuses by default, and which allow entries admit them. */
class AddressPolicyTest {
    private static InetAddress ip(String literal) {
        return IpLiteral.parse(literal).orElseThrow(() -> new AssertionError(literal + " is not a literal"));
    }

    private static AddressKind refusedKind(AddressPolicy policy, String literal) {
        OutboundRefusedException e = assertThrows(OutboundRefusedException.class,
                () -> policy.check(literal, ip(literal)), literal + " should be refused");
        return e.kind();
    }

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1, LOOPBACK", "127.255.0.9, LOOPBACK", "::1, LOOPBACK",
            "10.1.2.3, PRIVATE", "172.16.0.1, PRIVATE", "172.31.255.255, PRIVATE", "192.168.1.1, PRIVATE",
            "fc00::1, PRIVATE", "fd12:3456::1, PRIVATE", "100.64.0.1, SHARED", "100.127.255.254, SHARED",
            "0.0.0.0, UNSPECIFIED", "::, UNSPECIFIED", "0.1.2.3, RESERVED",
            "224.0.0.1, MULTICAST", "ff02::1, MULTICAST", "255.255.255.255, RESERVED",
            "169.254.0.1, LINK_LOCAL", "fe80::1, LINK_LOCAL", "169.254.169.254, METADATA", "fd00:ec2::254, METADATA",
            // IPv4 inside IPv6: mapped, compatible, NAT64 and 6to4 forms reach the IPv4 address
            "::ffff:127.0.0.1, LOOPBACK", "::ffff:169.254.169.254, METADATA", "::ffff:10.0.0.1, PRIVATE",
            "::10.0.0.1, PRIVATE", "64:ff9b::a9fe:a9fe, METADATA", "2002:7f00:1::, LOOPBACK",
            "2002:a9fe:a9fe::1, METADATA", "2002:c0a8:101::, PRIVATE"})
    void internalAddressesAreRefusedByDefault(String address, AddressKind kind) {
        assertEquals(kind, refusedKind(AddressPolicy.PUBLIC_ONLY, address));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2606:4700::1111",
            "2002:808:808::", "::ffff:8.8.8.8", "64:ff9b::808:808"})
    void publicAddressesAreAllowed(String address) {
        assertDoesNotThrow(() -> AddressPolicy.PUBLIC_ONLY.check(address, ip(address)));
    }

    @Test
    void theRefusalNamesTheAddressItsKindAndTheSetting() {
        OutboundRefusedException e = assertThrows(OutboundRefusedException.class,
                () -> AddressPolicy.PUBLIC_ONLY.check("169.254.169.254", ip("169.254.169.254")));
        assertTrue(e.getMessage().startsWith("address 169.254.169.254 is not allowed for outbound calls (cloud metadata);"
                + " allow it with --outbound-allow"), e.getMessage());
        OutboundRefusedException named = assertThrows(OutboundRefusedException.class,
                () -> AddressPolicy.PUBLIC_ONLY.check("nodered.lan", ip("fe80::1")));
        assertEquals("address fe80::1 (of nodered.lan) is not allowed for outbound calls (link-local); allow it with"
                + " --outbound-allow (only an entry naming it explicitly, e.g. fe80::1, admits it)", named.getMessage());
        OutboundRefusedException loopback = assertThrows(OutboundRefusedException.class,
                () -> AddressPolicy.PUBLIC_ONLY.check("localhost", ip("127.0.0.1")));
        assertEquals("address 127.0.0.1 (of localhost) is not allowed for outbound calls (loopback); allow it with"
                + " --outbound-allow", loopback.getMessage());
    }

    @Test
    void cidrEntriesAdmitTheirAddressesInEveryForm() throws Exception {
        AddressPolicy p = AddressPolicy.parse(" 127.0.0.1 , 10.0.0.0/8,fd00::/8, ::1");
        p.check("127.0.0.1", ip("127.0.0.1"));
        p.check("x", ip("::ffff:127.0.0.1"));
        p.check("x", ip("10.200.1.1"));
        p.check("x", ip("2002:a00:1::"));
        p.check("x", ip("fd99::1"));
        p.check("x", ip("::1"));
        assertEquals(AddressKind.LOOPBACK, refusedKind(p, "127.0.0.2"));
        assertEquals(AddressKind.PRIVATE, refusedKind(p, "192.168.0.1"));
        assertEquals("127.0.0.1/32,10.0.0.0/8,fd00::/8,::1/128", p.toString());
    }

    @Test
    void broadEntriesNeverAdmitLinkLocalOrMetadata() throws Exception {
        AddressPolicy p = AddressPolicy.parse("0.0.0.0/0,::/0,169.0.0.0/8,fc00::/7");
        p.check("x", ip("10.0.0.1"));
        p.check("x", ip("127.0.0.1"));
        p.check("x", ip("fd12::1"));
        assertEquals(AddressKind.METADATA, refusedKind(p, "169.254.169.254"));
        assertEquals(AddressKind.LINK_LOCAL, refusedKind(p, "169.254.1.1"));
        assertEquals(AddressKind.LINK_LOCAL, refusedKind(p, "fe80::1"));
        assertEquals(AddressKind.METADATA, refusedKind(p, "fd00:ec2::254"));
        assertEquals(AddressKind.METADATA, refusedKind(p, "::ffff:169.254.169.254"));
        assertEquals(AddressKind.METADATA, refusedKind(p, "2002:a9fe:a9fe::"));
    }

    @Test
    void anEntryInsideTheLinkLocalRangeAdmitsJustThat() throws Exception {
        AddressPolicy p = AddressPolicy.parse("169.254.169.254,fe80::/64,fd00:ec2::254");
        p.check("x", ip("169.254.169.254"));
        p.check("x", ip("::ffff:169.254.169.254"));
        p.check("x", ip("fe80::abcd"));
        p.check("x", ip("fd00:ec2::254"));
        assertEquals(AddressKind.LINK_LOCAL, refusedKind(p, "169.254.169.253"));
        assertEquals(AddressKind.PRIVATE, refusedKind(p, "fd00:ec2::255"));
    }

    @Test
    void hostEntriesAdmitTheNamesAddressesButNotLinkLocal() throws Exception {
        AddressPolicy p = AddressPolicy.parse("localhost,NodeRed.LAN");
        p.check("localhost", ip("127.0.0.1"));
        p.check("nodered.lan.", ip("192.168.1.20"));
        assertThrows(OutboundRefusedException.class, () -> p.check("other.lan", ip("192.168.1.20")));
        assertThrows(OutboundRefusedException.class, () -> p.check("127.0.0.1", ip("127.0.0.1")));
        assertThrows(OutboundRefusedException.class, () -> p.check("nodered.lan", ip("169.254.169.254")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "::/129", "10.0.0.1/x", "300.1.1.1", "bad host", "a/b", "http://x"})
    void badEntriesAreRefusedWithTheEntryNamed(String entry) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> AddressPolicy.parse("127.0.0.1," + entry));
        assertTrue(e.getMessage().contains("'" + entry + "'"), e.getMessage());
    }

    @Test
    void blankIsPublicOnly() {
        assertEquals(AddressPolicy.PUBLIC_ONLY, AddressPolicy.parse(" , "));
        assertEquals(AddressPolicy.PUBLIC_ONLY, AddressPolicy.parse(null));
    }

    @Test
    void onlyLiteralHostsAreJudgedBeforeTheCall() {
        assertTrue(AddressPolicy.PUBLIC_ONLY.refusalOfLiteral("[::1]").orElseThrow().contains("(loopback)"));
        assertTrue(AddressPolicy.PUBLIC_ONLY.refusalOfLiteral("169.254.169.254").isPresent());
        assertEquals(Optional.empty(), AddressPolicy.PUBLIC_ONLY.refusalOfLiteral("localhost"));
        assertEquals(Optional.empty(), AddressPolicy.PUBLIC_ONLY.refusalOfLiteral("8.8.8.8"));
        assertEquals(Optional.empty(), AddressPolicy.parse("127.0.0.1").refusalOfLiteral("127.0.0.1"));
    }
}
