package org.convnetplayground.catalog.download;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.convnetplayground.catalog.config.CatalogConfig;

/**
 * Which addresses the catalog may fetch models from, so that a download cannot reach this machine or the networks
 * around it (server-side request forgery). Public unicast addresses are allowed; loopback, private (10/8, 172.16/12,
 * 192.168/16), shared (100.64/10, carrier-grade NAT), link-local, unique-local (fc00::/7), site-local, multicast,
 * unspecified, broadcast and reserved addresses are not, nor IPv6 forms that carry such an IPv4 address (mapped,
 * compatible, NAT64, 6to4) or a Teredo tunnel. A host name is judged by every address it resolves to, so a name that
 * resolves to one public and one private address is refused.
 *
 * <p>An operator allows more with {@code cnp.catalog.download.allowed-hosts} (host names as written in URLs, allowed
 * whatever they resolve to) and {@code cnp.catalog.download.allowed-networks} (CIDR blocks).
 *
 * <p>Hosts written as numbers in a form other than four decimal parts ({@code 2130706433}, {@code 0x7f.1},
 * {@code 0177.0.0.1}) are read as the C library reads them, so that they are judged by the address they stand for;
 * even when that address is allowed, such a spelling is refused, since programs disagree on what it means.
 */
@ApplicationScoped
public class AddressPolicy {

    private static final Pattern DOTTED_QUAD = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
            + "(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    /** One to four parts, each decimal, octal (leading 0) or hexadecimal (0x), as inet_aton reads them. */
    private static final Pattern NUMERIC_HOST = Pattern.compile("(0[xX][0-9a-fA-F]*|\\d+)(\\.(0[xX][0-9a-fA-F]*|\\d+)){0,3}");
    static final String HOSTS_KEY = "cnp.catalog.download.allowed-hosts";
    static final String NETWORKS_KEY = "cnp.catalog.download.allowed-networks";

    private final Set<String> allowedHosts;
    private final List<Network> allowedNetworks;

    @Inject
    public AddressPolicy(CatalogConfig config) {
        this(config.download().allowedHosts().orElse(List.of()), config.download().allowedNetworks().orElse(List.of()));
    }

    /**
     * @throws IllegalArgumentException naming the setting and the value when a network is not a CIDR block
     */
    AddressPolicy(List<String> hosts, List<String> networks) {
        this.allowedHosts = hosts.stream().map(AddressPolicy::normalHost).filter(h -> !h.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
        this.allowedNetworks = networks.stream().map(String::strip).filter(n -> !n.isEmpty()).map(Network::parse)
                .toList();
    }

    /**
     * The addresses to connect to for {@code uri}'s host, every one of them allowed.
     *
     * @throws AddressNotAllowedException when the host is, or resolves to, an address the catalog does not fetch from
     * @throws UnknownHostException       when the host does not resolve
     */
    public List<InetAddress> addressesOf(URI uri) throws UnknownHostException {
        String host = hostOf(uri);
        if (host.isEmpty()) {
            throw new UnknownHostException("no host in " + uri);
        }
        if (allowedHosts.contains(host)) {
            return List.of(InetAddress.getAllByName(host));
        }
        InetAddress odd = oddlySpelled(host);
        if (odd != null) {
            String why = forbidden(odd);
            throw new AddressNotAllowedException(uri.toString(), "the host '" + host + "' stands for the address "
                    + odd.getHostAddress() + (why != null ? ", which is " + why : ", written in a form programs read "
                    + "differently (write it as four decimal numbers, a.b.c.d)"));
        }
        List<InetAddress> addresses = List.of(InetAddress.getAllByName(host));
        for (InetAddress a : addresses) {
            String why = forbidden(a);
            if (why != null && allowedNetworks.stream().noneMatch(n -> n.contains(a))) {
                boolean literal = a.getHostAddress().equalsIgnoreCase(host) || DOTTED_QUAD.matcher(host).matches()
                        || host.contains(":");
                // an IPv6 literal as written ("::1", not "0:0:0:0:0:0:0:1"); a mapped one as the IPv4 it stands for
                String shown = a instanceof Inet6Address && host.contains(":") ? host : a.getHostAddress();
                throw new AddressNotAllowedException(uri.toString(), literal
                        ? "the address " + shown + " is " + why
                        : "the host '" + host + "' resolves to " + a.getHostAddress() + ", which is " + why);
            }
        }
        return addresses;
    }

    /** The host of a URL, lower case, without IPv6 brackets or a final dot; read from the authority when Java's URI parser leaves it out. */
    static String hostOf(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            // java.net.URI takes "0x7f.1" or "127.1" for a registry authority and gives no host: read it ourselves
            String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
            authority = authority.substring(authority.lastIndexOf('@') + 1);
            if (!authority.startsWith("[")) {
                int colon = authority.lastIndexOf(':');
                authority = colon >= 0 ? authority.substring(0, colon) : authority;
            }
            host = authority;
        }
        return normalHost(host);
    }

    static String normalHost(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.endsWith(".") && !h.endsWith("..") ? h.substring(0, h.length() - 1) : h;
    }

    /** The IPv4 address a numeric host other than a plain dotted quad stands for (as inet_aton reads it), or null. */
    static InetAddress oddlySpelled(String host) {
        if (DOTTED_QUAD.matcher(host).matches() || !NUMERIC_HOST.matcher(host).matches()) {
            return null;
        }
        String[] parts = host.split("\\.");
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            try {
                values[i] = p.startsWith("0x") || p.startsWith("0X") ? (p.length() == 2 ? 0 : Long.parseLong(p.substring(2), 16))
                        : p.length() > 1 && p.startsWith("0") ? Long.parseLong(p.substring(1), 8) : Long.parseLong(p);
            } catch (NumberFormatException e) {
                // digits 8 or 9 in an octal part, or a number too long: not an address, so the name is looked up
                return null;
            }
        }
        // the last part fills the remaining bytes: a, a.b (8 + 24 bits), a.b.c (8 + 8 + 16), a.b.c.d
        long address = 0;
        int n = values.length;
        for (int i = 0; i < n - 1; i++) {
            if (values[i] > 0xff) {
                return null;
            }
            address |= values[i] << (24 - 8 * i);
        }
        long last = values[n - 1];
        if (last >= 1L << (8 * (5 - n))) {
            return null;
        }
        address |= last;
        byte[] bytes = {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Why the catalog does not fetch from {@code a} ("loopback", "private", ...), or null when it may. */
    static String forbidden(InetAddress a) {
        byte[] b = a.getAddress();
        if (a instanceof Inet4Address) {
            return forbiddenV4(b);
        }
        if (a instanceof Inet6Address) {
            return forbiddenV6(b);
        }
        return "not an IP address";
    }

    private static String forbiddenV4(byte[] b) {
        int o1 = b[0] & 0xff;
        int o2 = b[1] & 0xff;
        if (o1 == 0) {
            return Arrays.equals(b, new byte[4]) ? "unspecified (0.0.0.0)" : "in 0.0.0.0/8 (this network)";
        } else if (o1 == 127) {
            return "loopback (127.0.0.0/8)";
        } else if (o1 == 10) {
            return "private (10.0.0.0/8)";
        } else if (o1 == 172 && o2 >= 16 && o2 <= 31) {
            return "private (172.16.0.0/12)";
        } else if (o1 == 192 && o2 == 168) {
            return "private (192.168.0.0/16)";
        } else if (o1 == 100 && o2 >= 64 && o2 <= 127) {
            return "shared address space (100.64.0.0/10, carrier-grade NAT)";
        } else if (o1 == 169 && o2 == 254) {
            return "link-local (169.254.0.0/16)";
        } else if (o1 == 192 && o2 == 0 && (b[2] & 0xff) == 0) {
            return "reserved for IETF protocols (192.0.0.0/24)";
        } else if (o1 == 198 && (o2 == 18 || o2 == 19)) {
            return "reserved for benchmarks (198.18.0.0/15)";
        } else if (o1 >= 224 && o1 <= 239) {
            return "multicast (224.0.0.0/4)";
        } else if (o1 >= 240) {
            return o1 == 255 && Arrays.equals(b, new byte[] {-1, -1, -1, -1}) ? "broadcast (255.255.255.255)"
                    : "reserved (240.0.0.0/4)";
        }
        return null;
    }

    private static String forbiddenV6(byte[] b) {
        boolean zeroPrefix = true;
        for (int i = 0; i < 10; i++) {
            zeroPrefix &= b[i] == 0;
        }
        if (zeroPrefix && b[10] == 0 && b[11] == 0) {
            boolean lastZero = b[12] == 0 && b[13] == 0 && b[14] == 0;
            if (lastZero && b[15] == 0) {
                return "unspecified (::)";
            }
            if (lastZero && b[15] == 1) {
                return "loopback (::1)";
            }
            return embedded("IPv4-compatible", b, 12);
        }
        if (zeroPrefix && b[10] == -1 && b[11] == -1) {
            return embedded("IPv4-mapped", b, 12);
        }
        int first = b[0] & 0xff;
        int second = b[1] & 0xff;
        if (first == 0xff) {
            return "multicast (ff00::/8)";
        } else if ((first & 0xfe) == 0xfc) {
            return "unique-local (fc00::/7)";
        } else if (first == 0xfe && (second & 0xc0) == 0x80) {
            return "link-local (fe80::/10)";
        } else if (first == 0xfe && (second & 0xc0) == 0xc0) {
            return "site-local (fec0::/10)";
        } else if (first == 0x00 && second == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
            return embedded("NAT64 (64:ff9b::/96)", b, 12);
        } else if (first == 0x20 && second == 0x02) {
            return embedded("6to4 (2002::/16)", b, 2);
        } else if (first == 0x20 && second == 0x01 && b[2] == 0 && b[3] == 0) {
            return "a Teredo tunnel (2001::/32)";
        } else if (first == 0x01 && second == 0x00 && b[2] == 0 && b[3] == 0 && b[4] == 0 && b[5] == 0 && b[6] == 0
                && b[7] == 0) {
            return "discard-only (100::/64)";
        }
        return null;
    }

    /** An IPv6 address carrying an IPv4 one at {@code at}: judged by that IPv4 address. */
    private static String embedded(String form, byte[] b, int at) {
        byte[] v4 = Arrays.copyOfRange(b, at, at + 4);
        String why = forbiddenV4(v4);
        return why == null ? null : "an " + form + " form of " + (v4[0] & 0xff) + "." + (v4[1] & 0xff) + "."
                + (v4[2] & 0xff) + "." + (v4[3] & 0xff) + ", " + why;
    }

    /** A CIDR block of allowed addresses. */
    record Network(byte[] prefix, int bits) {

        static Network parse(String cidr) {
            int slash = cidr.indexOf('/');
            String address = slash < 0 ? cidr : cidr.substring(0, slash);
            boolean v6 = address.contains(":");
            if (!v6 && !DOTTED_QUAD.matcher(address).matches()) {
                throw bad(cidr);
            }
            byte[] bytes;
            try {
                // a literal (checked above, or with ':'): no name is looked up
                bytes = InetAddress.getByName(address).getAddress();
            } catch (UnknownHostException e) {
                throw bad(cidr);
            }
            int max = bytes.length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw bad(cidr);
            }
            if (bits < 0 || bits > max || (v6 && bytes.length == 4)) {
                throw bad(cidr);
            }
            return new Network(bytes, bits);
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != prefix.length) {
                return false;
            }
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i % 8);
                if ((b[i / 8] & mask) != (prefix[i / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        private static IllegalArgumentException bad(String cidr) {
            return new IllegalArgumentException("invalid " + NETWORKS_KEY + ": '" + cidr + "'; expected CIDR blocks "
                    + "such as 10.1.2.0/24, 127.0.0.1/32 or fd00::/8 (IPv4 networks in IPv4 form), separated by commas");
        }
    }
}
