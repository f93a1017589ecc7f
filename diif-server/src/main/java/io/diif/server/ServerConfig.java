package io.diif.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How {@code diif serve} runs. {@link #builder(Path)} starts from the documented defaults; every value is
 * checked here, at the boundary, with a message naming it and its limit.
 *
 * @param images the directory whose image files are served (not its subdirectories)
 * @param host the address to listen on
 * @param port the port (0: any free one)
 * @param modelFile a model file, or null for {@code modelResource}
 * @param modelResource a class-path model, or null for the bundled default model
 * @param backend the backend name, or null for the best available
 * @param maxZoom the largest zoom over the source size a request may render (and the viewer's)
 * @param workers renders that run at once
 * @param queue requests that may wait for a worker; more get 503 with Retry-After
 * @param cacheBytes the encodings cache's budget; decoded sources and resized levels get a quarter of it,
 *     encoded tiles an eighth
 * @param maxArea the most pixels one response may have (IIIF {@code maxArea})
 * @param timeout how long a request may wait and render before it is answered 503
 * @param tileSize the tile size info.json advertises
 * @param maxSourcePixels the largest source image read
 */
public record ServerConfig(Path images, String host, int port, Path modelFile, String modelResource,
        String backend, double maxZoom, int workers, int queue, long cacheBytes, long maxArea, Duration timeout,
        int tileSize, long maxSourcePixels) {
    /** The port listened on by default. */
    public static final int DEFAULT_PORT = 8182;
    /** The address listened on by default: loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** The largest zoom over the source size a request may render by default. */
    public static final double DEFAULT_MAX_ZOOM = 4;
    /** The zoom the viewer page allows, over the source size (pixels past --max-zoom are stretched). */
    public static final double VIEWER_ZOOM = 30;

    /**
     * Checks every value.
     *
     * @param images the directory whose image files are served
     * @param host the address to listen on
     * @param port the port (0: any free one)
     * @param modelFile a model file, or null
     * @param modelResource a class-path model, or null
     * @param backend the backend name, or null
     * @param maxZoom the largest zoom over the source size, 1 to 64
     * @param workers renders that run at once, 1 to 256
     * @param queue requests that may wait for a worker, 0 to 100000
     * @param cacheBytes the encodings cache's budget, at least 0
     * @param maxArea the most pixels one response may have, 1 to 2²⁸
     * @param timeout how long a request may take, positive
     * @param tileSize the advertised tile size, 64 to 4096
     * @param maxSourcePixels the largest source image read, at least 1
     * @throws NullPointerException if {@code images}, {@code host} or {@code timeout} is null
     * @throws IllegalArgumentException if a value is out of range, naming it and its limits
     */
    public ServerConfig {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(timeout, "timeout");
        check(port >= 0 && port <= 65535, "--port must be 0 to 65535, was " + port);
        check(maxZoom >= 1 && maxZoom <= 64, "--max-zoom must be 1 to 64, was " + maxZoom);
        check(workers >= 1 && workers <= 256, "--workers must be 1 to 256, was " + workers);
        check(queue >= 0 && queue <= 100_000, "--queue must be 0 to 100000, was " + queue);
        check(cacheBytes >= 0, "--cache-mb must be >= 0, was " + cacheBytes / (1 << 20));
        check(maxArea >= 1 && maxArea <= (1L << 28), "--max-area must be 1 to 268435456 pixels, was " + maxArea);
        check(!timeout.isNegative() && !timeout.isZero(), "--timeout must be > 0 seconds, was " + timeout);
        check(tileSize >= 64 && tileSize <= 4096, "tile size must be 64 to 4096, was " + tileSize);
        check(maxSourcePixels >= 1, "max source pixels must be >= 1, was " + maxSourcePixels);
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /**
     * A builder with the defaults: 127.0.0.1:8182, the bundled model, x4, a worker per core, a queue of 64,
     * 1 GiB of encodings, 2048² pixels per response, 120 s.
     *
     * @param images the directory whose image files are served
     * @return the builder
     */
    public static Builder builder(Path images) {
        return new Builder(images);
    }

    /** Builds a {@link ServerConfig}; values are checked by {@link #build()}. */
    public static final class Builder {
        private final Path images;
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private Path modelFile;
        private String modelResource;
        private String backend;
        private double maxZoom = DEFAULT_MAX_ZOOM;
        private int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int queue = 64;
        private long cacheBytes = 1L << 30;
        private long maxArea = 2048L * 2048;
        private Duration timeout = Duration.ofSeconds(120);
        private int tileSize = 512;
        private long maxSourcePixels = 1L << 25;

        private Builder(Path images) {
            this.images = images;
        }

        /**
         * The address to listen on, e.g. {@code 0.0.0.0} for every interface.
         *
         * @param value the value
         * @return this builder
         */
        public Builder host(String value) {
            host = value;
            return this;
        }

        /**
         * The port to listen on; 0 for any free one.
         *
         * @param value the value
         * @return this builder
         */
        public Builder port(int value) {
            port = value;
            return this;
        }

        /**
         * A model file; null keeps the default model (or {@link #modelResource}).
         *
         * @param value the model file
         * @return this builder
         */
        public Builder modelFile(Path value) {
            modelFile = value;
            return this;
        }

        /**
         * A model on the class path, used when no model file is set.
         *
         * @param value the resource name, e.g. {@code models/mine.safetensors}
         * @return this builder
         */
        public Builder modelResource(String value) {
            modelResource = value;
            return this;
        }

        /**
         * The backend's name; null for the best available.
         *
         * @param value the value
         * @return this builder
         */
        public Builder backend(String value) {
            backend = value;
            return this;
        }

        /**
         * The largest zoom over the source size a request may render, 1 to 64.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxZoom(double value) {
            maxZoom = value;
            return this;
        }

        /**
         * How many renders run at once, 1 to 256.
         *
         * @param value the value
         * @return this builder
         */
        public Builder workers(int value) {
            workers = value;
            return this;
        }

        /**
         * How many requests may wait for a worker, 0 to 100000; more are answered 503.
         *
         * @param value the value
         * @return this builder
         */
        public Builder queue(int value) {
            queue = value;
            return this;
        }

        /**
         * The encodings cache's budget in bytes, at least 0.
         *
         * @param value the value
         * @return this builder
         */
        public Builder cacheBytes(long value) {
            cacheBytes = value;
            return this;
        }

        /**
         * The most pixels one response may have (IIIF {@code maxArea}).
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxArea(long value) {
            maxArea = value;
            return this;
        }

        /**
         * How long a request may wait and render before it is answered 503.
         *
         * @param value the value
         * @return this builder
         */
        public Builder timeout(Duration value) {
            timeout = value;
            return this;
        }

        /**
         * The tile size info.json advertises, 64 to 4096.
         *
         * @param value the value
         * @return this builder
         */
        public Builder tileSize(int value) {
            tileSize = value;
            return this;
        }

        /**
         * The largest source image, in pixels, that is read.
         *
         * @param value the value
         * @return this builder
         */
        public Builder maxSourcePixels(long value) {
            maxSourcePixels = value;
            return this;
        }

        /**
         * Checks the values and builds the configuration.
         *
         * @return the configuration
         * @throws NullPointerException if {@code images}, {@code host} or {@code timeout} is null
         * @throws IllegalArgumentException if a value is out of range, naming it and its limits
         */
        public ServerConfig build() {
            return new ServerConfig(images, host, port, modelFile, modelResource, backend, maxZoom, workers, queue,
                    cacheBytes, maxArea, timeout, tileSize, maxSourcePixels);
        }
    }
}
