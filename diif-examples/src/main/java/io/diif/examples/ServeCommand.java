package io.diif.examples;

import io.diif.examples.DiifCli.Arguments;
import io.diif.examples.DiifCli.UsageException;
import io.diif.server.DiifServer;
import io.diif.server.ServerConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code diif serve --images DIR [--port 8182] [--host 127.0.0.1] [--model FILE] [--backend NAME]
 * [--max-zoom Z]}: the images of DIR over IIIF Image API 3.0 with DIIF super-resolution, until stopped.
 */
final class ServeCommand {
    private final PrintStream err;

    ServeCommand(PrintStream err) {
        this.err = err;
    }

    void run(Arguments a) throws Exception {
        a.expectPositionals(0, "serve");
        String images = a.option("--images");
        if (images == null) {
            throw new UsageException("serve needs --images DIR (the directory of images to serve)");
        }
        Path dir = Path.of(images);
        if (!Files.isDirectory(dir)) {
            throw new UsageException("--images " + images + " is not a directory");
        }
        ServerConfig config;
        try {
            config = config(a, ServerConfig.builder(dir));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        try (DiifServer server = DiifServer.start(config)) {
            err.println("diif: serving " + dir + " with " + server.modelDescription() + " at " + server.uri()
                    + " (IIIF: " + server.uri() + "iiif/3/NAME/info.json; Ctrl-C stops)");
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "diif-serve-stop"));
            server.join();
        }
    }

    static ServerConfig config(Arguments a, ServerConfig.Builder c) {
        if (a.option("--host") != null) {
            c.host(a.option("--host"));
        }
        c.port(intOption(a, "--port", ServerConfig.DEFAULT_PORT));
        if (a.option("--model") != null) {
            c.modelFile(Path.of(a.option("--model")));
        }
        c.backend(a.option("--backend"));
        if (a.option("--max-zoom") != null) {
            c.maxZoom(DiifCli.parseDouble("--max-zoom", a.option("--max-zoom")));
        }
        if (a.option("--workers") != null) {
            c.workers(intOption(a, "--workers", 0));
        }
        if (a.option("--queue") != null) {
            c.queue(intOption(a, "--queue", 0));
        }
        if (a.option("--cache-mb") != null) {
            c.cacheBytes(DiifCli.parseLong("--cache-mb", a.option("--cache-mb")) << 20);
        }
        if (a.option("--max-area") != null) {
            c.maxArea(DiifCli.parseLong("--max-area", a.option("--max-area")));
        }
        if (a.option("--timeout") != null) {
            c.timeout(Duration.ofSeconds(DiifCli.parseLong("--timeout", a.option("--timeout"))));
        }
        return c.build();
    }

    private static int intOption(Arguments a, String name, int fallback) {
        return a.option(name) == null ? fallback : (int) DiifCli.parseLong(name, a.option(name));
    }
}
