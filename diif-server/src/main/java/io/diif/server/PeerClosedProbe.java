package io.diif.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Whether the client of an HTTP/1.1 connection has closed its side. Jetty does not read from a connection
 * while its request is handled (the next bytes would be the next request), so it cannot see the close;
 * the kernel can: the server's socket is then in CLOSE_WAIT, which Linux lists in /proc/net/tcp and
 * tcp6. Elsewhere the answer is always "not known closed", and only timeouts stop abandoned renders.
 */
final class PeerClosedProbe {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));
    /** TCP states after the peer's FIN: CLOSE_WAIT, LAST_ACK, CLOSING, CLOSE. */
    private static final List<String> CLOSED = List.of("08", "09", "0B", "07");

    private PeerClosedProbe() {
    }

    /** True when the kernel shows the connection from {@code remote} to {@code local} closed by the peer. */
    static boolean closedByPeer(SocketAddress local, SocketAddress remote) {
        if (!(local instanceof InetSocketAddress l) || !(remote instanceof InetSocketAddress r)) {
            return false;
        }
        String localPort = String.format(Locale.ROOT, ":%04X", l.getPort());
        String remotePort = String.format(Locale.ROOT, ":%04X", r.getPort());
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException | SecurityException e) {
                continue;
            }
            for (String line : lines) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].endsWith(localPort) && f[2].endsWith(remotePort)) {
                    return CLOSED.contains(f[3]);
                }
            }
        }
        return false;
    }
}
