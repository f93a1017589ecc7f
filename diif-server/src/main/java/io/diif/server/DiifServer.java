package io.diif.server;

import java.io.IOException;
import java.net.URI;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.CustomRequestLog;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.Slf4jRequestLogWriter;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code diif serve}: the images of a directory over the IIIF Image API 3.0 (level 2) with DIIF
 * super-resolution for sizes above the source, and a deep-zoom viewer page. Start with {@link #start},
 * stop with {@link #close}.
 */
public final class DiifServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiifServer.class);

    private final ServerConfig config;
    private final DiifAdapter diif;
    private final RenderService renders;
    private final Server jetty;
    private final ServerConnector connector;

    private DiifServer(ServerConfig config, DiifAdapter diif, RenderService renders, Server jetty,
            ServerConnector connector) {
        this.config = config;
        this.diif = diif;
        this.renders = renders;
        this.jetty = jetty;
        this.connector = connector;
    }

    /**
     * Loads the model, lists the images, renders once to warm the engine up and starts listening.
     *
     * @param config how to run
     * @return the running server, which the caller closes
     * @throws IOException if the images directory cannot be listed, or the address cannot be listened on
     *     (e.g. the port is taken)
     * @throws IllegalArgumentException if no model is given and none is on the class path, or the model or
     *     backend is refused
     */
    public static DiifServer start(ServerConfig config) throws IOException {
        ImageCatalog catalog = new ImageCatalog(config.images());
        DiifAdapter diif = DiifAdapter.open(config.modelFile(), config.modelResource(), config.backend());
        // The engines load kernels and plan graphs on their first run: pay that before the first tile.
        diif.warmUp();
        RenderService renders = new RenderService(config, diif, catalog);
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("diif-http");
        threads.setDaemon(true);
        Server jetty = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // IIIF sizes start with '^' (upscaling), which RFC 3986 leaves out of paths; IIIF clients send it as is.
        http.setUriCompliance(UriCompliance.DEFAULT.with("iiif", UriCompliance.Violation.ILLEGAL_PATH_CHARACTERS));
        ServerConnector connector = new ServerConnector(jetty, 1, 1, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        // A connection quiet for longer than a request may take is closed, and its render cancelled.
        connector.setIdleTimeout(config.timeout().toMillis() + 5_000);
        jetty.addConnector(connector);
        jetty.setHandler(new IiifHandler(config, renders, catalog, diif.describe()));
        jetty.setStopTimeout(2_000);
        // An access log through SLF4J (logger org.eclipse.jetty.server.RequestLog, level INFO).
        jetty.setRequestLog(new CustomRequestLog(new Slf4jRequestLogWriter(), CustomRequestLog.EXTENDED_NCSA_FORMAT
                + " %{ms}T ms"));
        DiifServer server = new DiifServer(config, diif, renders, jetty, connector);
        try {
            jetty.start();
        } catch (Exception e) {
            server.close();
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(),
                    e);
        }
        LOG.info("serving {} images from {} with {} at {}", catalog.names().size(), config.images(), diif.describe(),
                server.uri());
        return server;
    }

    /**
     * The port listened on.
     *
     * @return the port, the one actually bound when the configuration asked for 0
     */
    public int port() {
        return connector.getLocalPort();
    }

    /**
     * The server's root URI.
     *
     * @return e.g. {@code http://127.0.0.1:8182/}
     */
    public URI uri() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return URI.create("http://" + host + ":" + port() + "/");
    }

    /**
     * Describes what renders.
     *
     * @return the model and backend, in one line
     */
    public String modelDescription() {
        return diif.describe();
    }

    /**
     * Blocks until the server stops.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void join() throws InterruptedException {
        jetty.join();
    }

    RenderService renders() {
        return renders;
    }

    /**
     * Stops listening, cancels renders and closes the model. A render inside an encoder run finishes that
     * run first; if that takes longer than 10 s the model is left open (closing it would wait for the run)
     * and the process's exit frees it.
     */
    @Override
    public void close() {
        try {
            jetty.stop();
        } catch (Exception e) {
            LOG.warn("stopping the HTTP server: {}", e.toString());
        }
        if (renders.stop(10)) {
            diif.close();
        } else {
            LOG.warn("renders still running after 10 s; the model stays open until the process exits");
        }
    }
}
