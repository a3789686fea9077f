package org.convnetplayground.catalog.download;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The connection goes to the addresses the policy checked, and nowhere else: the HTTP library never looks a name up
 * itself. Shown with names that exist in no DNS (".test" is reserved), which the policy here maps to the loopback
 * server: the request arrives, with the name in its Host header, although no lookup could have found it.
 */
class RemoteFileClientTest {

    /** A policy that answers for the made-up names itself, as a DNS answer checked once would. */
    private static final class Pinned extends AddressPolicy {
        final List<String> asked = new CopyOnWriteArrayList<>();

        Pinned() {
            super(List.of(), List.of());
        }

        @Override
        public List<InetAddress> addressesOf(URI uri) throws UnknownHostException {
            asked.add(uri.getHost());
            if (uri.getHost().endsWith(".test")) {
                return List.of(InetAddress.getByName("127.0.0.1"));
            }
            return super.addressesOf(uri);
        }
    }

    @Test
    void connectionsGoToTheCheckedAddressesWithoutAnotherLookup() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        List<String> hosts = new CopyOnWriteArrayList<>();
        int port = server.getAddress().getPort();
        server.createContext("/file", exchange -> {
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            byte[] body = "the file".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/hop", exchange -> {
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.getResponseHeaders().set("Location", "http://second.test:" + port + "/file");
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        server.createContext("/away", exchange -> {
            hosts.add(exchange.getRequestHeaders().getFirst("Host"));
            exchange.getResponseHeaders().set("Location", "http://localhost:" + port + "/file");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
        Pinned policy = new Pinned();
        try (RemoteFileClient client = new RemoteFileClient(policy, Duration.ofSeconds(5), Duration.ofSeconds(5), 5)) {
            try (RemoteFileClient.Answer answer = client.get(new URI("http://first.test:" + port + "/hop"), Map.of())) {
                assertEquals(200, answer.status());
                assertArrayEquals("the file".getBytes(StandardCharsets.UTF_8), answer.body().readAllBytes());
            }
            assertEquals(List.of("first.test", "second.test"), policy.asked, "each hop checked once");
            assertEquals(List.of("first.test:" + port, "second.test:" + port), hosts);

            // a redirect to this machine under another name is refused before any connection to it
            AddressNotAllowedException e = assertThrows(AddressNotAllowedException.class,
                    () -> client.get(new URI("http://first.test:" + port + "/away"), Map.of()));
            assertEquals("http://localhost:" + port + "/file", e.value());
            assertEquals(List.of("first.test:" + port, "second.test:" + port, "first.test:" + port), hosts);
        } finally {
            server.stop(0);
        }
    }
}
