package org.convnetplayground.catalog.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which addresses a download may reach, judged without any connection: every address here is a literal, so nothing
 * is looked up and nothing is contacted.
 */
class AddressPolicyTest {

    private final AddressPolicy nothingAllowed = new AddressPolicy(List.of(), List.of());

    @Test
    void addressesOfThisMachineAndTheNetworksAroundItAreForbidden() throws Exception {
        for (String a : List.of("127.0.0.1", "127.255.0.9", "0.0.0.0", "0.1.2.3", "10.0.0.1", "10.255.255.255",
                "172.16.0.1", "172.31.255.254", "192.168.1.1", "100.64.0.1", "100.127.255.255", "169.254.169.254",
                "192.0.0.8", "198.18.0.1", "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
                "::", "::1", "fe80::1", "febf::1", "fec0::1", "fc00::1", "fd12:3456::1", "ff02::1", "ff05::2",
                "::ffff:127.0.0.1", "::ffff:10.1.2.3", "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b::a00:1",
                "2002:7f00:1::1", "2002:c0a8:101::1", "2001:0:4136:e378::1", "100::1")) {
            assertNotNull(AddressPolicy.forbidden(InetAddress.getByName(a)), a + " is forbidden");
        }
    }

    @Test
    void publicAddressesAreAllowed() throws Exception {
        for (String a : List.of("8.8.8.8", "1.1.1.1", "140.82.112.3", "172.15.255.255", "172.32.0.1", "100.63.255.255",
                "100.128.0.0", "192.167.1.1", "169.253.1.1", "223.255.255.255", "2606:4700:4700::1111",
                "2a00:1450:4001:800::200e", "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1")) {
            assertNull(AddressPolicy.forbidden(InetAddress.getByName(a)), a + " is allowed");
        }
    }

    @Test
    void theReasonNamesTheKindOfAddress() throws Exception {
        assertEquals("loopback (127.0.0.0/8)", AddressPolicy.forbidden(InetAddress.getByName("127.0.0.1")));
        assertEquals("private (192.168.0.0/16)", AddressPolicy.forbidden(InetAddress.getByName("192.168.0.10")));
        assertEquals("shared address space (100.64.0.0/10, carrier-grade NAT)",
                AddressPolicy.forbidden(InetAddress.getByName("100.100.100.100")));
        assertEquals("unique-local (fc00::/7)", AddressPolicy.forbidden(InetAddress.getByName("fd00::5")));
        assertTrue(assertThrows(AddressNotAllowedException.class,
                () -> nothingAllowed.addressesOf(new URI("http://[::1]:8083/"))).detail()
                .startsWith("cannot fetch http://[::1]:8083/: the address ::1 is loopback (::1); "));
        assertTrue(assertThrows(AddressNotAllowedException.class,
                () -> nothingAllowed.addressesOf(new URI("http://[::ffff:a00:1]/"))).detail()
                .startsWith("cannot fetch http://[::ffff:a00:1]/: the address 10.0.0.1 is private (10.0.0.0/8); "));
        assertEquals("an NAT64 (64:ff9b::/96) form of 127.0.0.1, loopback (127.0.0.0/8)",
                AddressPolicy.forbidden(InetAddress.getByName("64:ff9b::7f00:1")));
    }

    /** Numbers in the forms inet_aton reads: 2130706433, 0x7f.1, 0177.0.0.1 and 127.1 all stand for 127.0.0.1. */
    @Test
    void oddSpellingsOfAnAddressAreReadAsTheCLibraryReadsThem() throws Exception {
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        for (String odd : List.of("2130706433", "0x7f000001", "0x7f.1", "0x7F.0.0.1", "0177.0.0.1", "017700000001",
                "127.1", "127.0.1", "0x7f.0x0.0x0.0x1")) {
            assertEquals(loopback, AddressPolicy.oddlySpelled(odd), odd);
        }
        assertEquals(InetAddress.getByName("10.0.0.1"), AddressPolicy.oddlySpelled("167772161"));
        assertEquals(InetAddress.getByName("0.0.0.0"), AddressPolicy.oddlySpelled("0"));
        for (String plain : List.of("127.0.0.1", "8.8.8.8", "example.org", "models.example", "1.2.3.4.5", "09.1",
                "4294967296", "256.1.1.1.1", "a.b")) {
            assertNull(AddressPolicy.oddlySpelled(plain), plain);
        }
    }

    @Test
    void urlsWithOddSpellingsAreRefusedNamingTheAddress() throws Exception {
        for (String url : List.of("http://2130706433/x", "http://0x7f.1/", "http://0177.0.0.1:8081/", "http://127.1/q",
                "http://user@0x7f.1:8081/x")) {
            AddressNotAllowedException e = assertThrows(AddressNotAllowedException.class,
                    () -> nothingAllowed.addressesOf(new URI(url)), url);
            assertTrue(e.detail().startsWith("cannot fetch " + url + ": the host '"), e.detail());
            assertTrue(e.detail().contains("stands for the address 127.0.0.1, which is loopback (127.0.0.0/8)"),
                    e.detail());
            assertEquals("url", e.parameter());
            assertEquals(url, e.value());
        }
        // an odd spelling of an allowed address is refused all the same: programs read it differently
        AddressPolicy everything = new AddressPolicy(List.of(), List.of("0.0.0.0/0"));
        AddressNotAllowedException e = assertThrows(AddressNotAllowedException.class,
                () -> everything.addressesOf(new URI("http://0x8.0x8.0x8.0x8/")));
        assertTrue(e.detail().contains("stands for the address 8.8.8.8, written in a form programs read differently"),
                e.detail());
    }

    @Test
    void literalAddressesAreCheckedWithoutAnyLookup() {
        for (String url : List.of("http://127.0.0.1:8081/api", "http://[::1]:8083/q/metrics",
                "http://[::ffff:127.0.0.1]/", "http://10.0.0.1/model.onnx", "https://169.254.169.254/latest/meta-data",
                "http://[fd00::1]/", "http://0.0.0.0:8082/", "http://[::]/")) {
            AddressNotAllowedException e = assertThrows(AddressNotAllowedException.class,
                    () -> nothingAllowed.addressesOf(new URI(url)), url);
            assertTrue(e.detail().startsWith("cannot fetch " + url + ": the address "), e.detail());
            assertTrue(e.detail().endsWith("unless an operator allows the host (cnp.catalog.download.allowed-hosts) "
                    + "or its network (cnp.catalog.download.allowed-networks)"), e.detail());
            assertEquals("Address not allowed", e.title());
        }
    }

    @Test
    void anOperatorAllowsHostsByNameAndNetworksByCidr() throws Exception {
        AddressPolicy policy = new AddressPolicy(List.of("Models.Internal.Example.", "127.0.0.1"),
                List.of("10.1.2.0/24", "fd00::/8", " 192.168.7.7 "));
        assertEquals(List.of(InetAddress.getByName("127.0.0.1")), policy.addressesOf(new URI("http://127.0.0.1:9/x")));
        assertEquals(List.of(InetAddress.getByName("10.1.2.200")), policy.addressesOf(new URI("http://10.1.2.200/")));
        assertEquals(List.of(InetAddress.getByName("fd00::7")), policy.addressesOf(new URI("http://[fd00::7]/")));
        assertEquals(List.of(InetAddress.getByName("192.168.7.7")), policy.addressesOf(new URI("http://192.168.7.7/")));
        for (String refused : List.of("http://10.1.3.1/", "http://192.168.7.8/", "http://[fc00::1]/",
                "http://2130706433/", "http://[::1]/")) {
            assertThrows(AddressNotAllowedException.class, () -> policy.addressesOf(new URI(refused)), refused);
        }
        AddressPolicy.Network net = AddressPolicy.Network.parse("172.16.0.0/12");
        assertTrue(net.contains(InetAddress.getByName("172.31.1.1")));
        assertFalse(net.contains(InetAddress.getByName("172.32.0.1")));
        assertFalse(net.contains(InetAddress.getByName("::1")));
    }

    @Test
    void aNetworkThatIsNotACidrBlockStopsTheServiceNamingIt() {
        for (String bad : List.of("10.0.0.0/33", "localhost/8", "10.0.0/8", "fd00::/129", "10.0.0.0/x", "::ffff:1.2.3.4/96")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new AddressPolicy(List.of(), List.of(bad)), bad);
            assertEquals("invalid cnp.catalog.download.allowed-networks: '" + bad + "'; expected CIDR blocks such as "
                    + "10.1.2.0/24, 127.0.0.1/32 or fd00::/8 (IPv4 networks in IPv4 form), separated by commas",
                    e.getMessage());
        }
    }

    @Test
    void theHostIsReadFromTheAuthorityWhenJavaLeavesItOut() throws Exception {
        assertEquals("0x7f.1", AddressPolicy.hostOf(new URI("http://user:pw@0x7f.1:8081/x")));
        assertEquals("::1", AddressPolicy.hostOf(new URI("http://[::1]:8083/q")));
        assertEquals("example.org", AddressPolicy.hostOf(new URI("https://Example.ORG./m.onnx")));
    }
}
