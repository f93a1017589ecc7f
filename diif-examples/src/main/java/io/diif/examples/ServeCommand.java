package io.diif.examples;

import io.diif.examples.cli.CommonOptions;
import io.diif.examples.cli.ModelChoice;
import io.diif.examples.cli.Positionals;
import io.diif.examples.cli.Streams;
import io.diif.examples.cli.UsageException;
import io.diif.examples.cli.Values;
import io.diif.server.DiifServer;
import io.diif.server.ServerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code diif serve --images DIR}: the images of DIR over IIIF Image API 3.0 with DIIF super-resolution,
 * until stopped.
 */
@Command(name = "serve", sortOptions = false,
        customSynopsis = {"diif serve --images DIR [--port 8182] [--host 127.0.0.1] [--model FILE] [--backend NAME]"
                + " [--max-zoom Z]", "           [--workers N] [--queue N] [--cache-mb MB] [--max-area PIXELS]"
                + " [--timeout SECONDS]"},
        description = "IIIF Image API 3.0 server (DIIF for sizes above the source) and a viewer at /;"
                + " docs/server.md.")
final class ServeCommand implements Callable<Integer> {
    private final Streams streams;

    @Parameters(hidden = true)
    private List<String> args = List.of();

    @Option(names = "--images", paramLabel = "DIR", description = "The directory of images to serve.")
    private String images;

    @Option(names = "--port", paramLabel = "PORT", converter = Values.IntValue.class,
            description = "TCP port (default: " + ServerConfig.DEFAULT_PORT + "; 0: any free one).")
    private Integer port;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on (default: " + ServerConfig.DEFAULT_HOST + ").")
    private String host;

    @Option(names = "--max-zoom", paramLabel = "Z", converter = Values.NumberValue.class,
            description = "Largest enlargement served, 1 to 64 (default: "
                    + ServerConfig.DEFAULT_MAX_ZOOM + ").")
    private Double maxZoom;

    @Option(names = "--workers", paramLabel = "N", converter = Values.IntValue.class,
            description = "Renders at a time (default: one per CPU core).")
    private Integer workers;

    @Option(names = "--queue", paramLabel = "N", converter = Values.IntValue.class,
            description = "Requests waiting for a worker before the server answers 503.")
    private Integer queue;

    @Option(names = "--cache-mb", paramLabel = "MB", converter = Values.IntValue.class,
            description = "Memory for cached encodings and tiles.")
    private Integer cacheMb;

    @Option(names = "--max-area", paramLabel = "PIXELS", converter = Values.IntValue.class,
            description = "Largest output area of one request.")
    private Integer maxArea;

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = Values.IntValue.class,
            description = "Longest render of one request.")
    private Integer timeout;

    @Mixin
    private ModelChoice choice;

    @Mixin
    private CommonOptions common;

    ServeCommand(Streams streams) {
        this.streams = streams;
    }

    @Override
    public Integer call() throws Exception {
        Positionals.expect(args, 0, "serve");
        if (images == null) {
            throw new UsageException("serve needs --images DIR (the directory of images to serve)");
        }
        Path dir = Path.of(images);
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--images " + images + " is not a directory");
        }
        ServerConfig config;
        try {
            config = config(ServerConfig.builder(dir));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try (DiifServer server = DiifServer.start(config)) {
            streams.err().println("diif: serving " + dir + " with " + server.modelDescription() + " at "
                    + server.uri() + " (IIIF: " + server.uri() + "iiif/3/NAME/info.json; Ctrl-C stops)");
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "diif-serve-stop"));
            server.join();
        }
        return DiifCli.EXIT_OK;
    }

    private ServerConfig config(ServerConfig.Builder c) {
        if (host != null) {
            c.host(host);
        }
        c.port(port != null ? port : ServerConfig.DEFAULT_PORT);
        if (choice.model().file() != null) {
            c.modelFile(Path.of(choice.model().file()));
        }
        c.backend(choice.backend());
        if (maxZoom != null) {
            c.maxZoom(maxZoom);
        }
        if (workers != null) {
            c.workers(workers);
        }
        if (queue != null) {
            c.queue(queue);
        }
        if (cacheMb != null) {
            c.cacheBytes((long) cacheMb << 20);
        }
        if (maxArea != null) {
            c.maxArea(maxArea);
        }
        if (timeout != null) {
            c.timeout(Duration.ofSeconds(timeout));
        }
        return c.build();
    }
}
