package io.diif;

import io.diif.graph.Graph;
import io.diif.internal.architecture.Architecture;
import io.diif.internal.backends.Backends;
import io.diif.internal.decoding.Decoder;
import io.diif.internal.decoding.Latents;
import io.diif.internal.encoding.BandedEncoder;
import io.diif.internal.encoding.FeatureMap;
import io.diif.internal.imaging.ImageCodec;
import io.diif.internal.imaging.Planes;
import io.diif.internal.networks.Networks;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.spi.Backend;
import io.diif.spi.Executable;
import io.diif.spi.support.ReducedLayers;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loaded model compiled on one backend: encode images with it, then render them at any size.
 *
 * <pre>{@code
 * try (DiifModel model = DiifModel.load(Path.of("model.safetensors"))) {
 *     BufferedImage big = model.upscale(photo, 3.5);
 * }
 * }</pre>
 *
 * <p>Thread-safe: many threads may encode and render with one model. Closing it frees the compiled
 * networks; representations it made must not be used afterwards.
 */
public final class DiifModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DiifModel.class);

    /** Default bound on output pixels per render: 16384 × 16384. */
    public static final long DEFAULT_MAX_OUTPUT_PIXELS = 1L << 28;
    /** Default bound on input pixels to encode: 8192 × 8192. */
    public static final long DEFAULT_MAX_INPUT_PIXELS = 1L << 26;
    /** Default image pixels the encoder processes at once; larger images are encoded in bands. */
    public static final long DEFAULT_ENCODER_BAND_PIXELS = 1L << 20;
    /**
     * Latents a decoder may read beyond those under a window: B/2 + 1 for DIIF's blocks, and the 3×3 convs,
     * unfolds and nearest-latent shifts of LIIF, LTE and DLTE, with room to spare (the kit checks it).
     */
    private static final int DECODER_REACH = 4;

    private final ModelFile model;
    private final Backend backend;
    private final Precision precision;
    private final Executable encoder;
    private final BandedEncoder bandedEncoder;
    private final Decoder decoder;
    private final long maxOutputPixels;
    private final long maxInputPixels;
    private final AtomicBoolean closed = new AtomicBoolean();

    private DiifModel(Builder b, ModelFile model) {
        this.model = model;
        Backend engine = Backends.select(b.backend);
        if (!engine.precisions().contains(b.precision)) {
            throw new IllegalArgumentException(ReducedLayers.refusal(engine, b.precision));
        }
        this.backend = b.precision == Precision.FP32 ? engine : new ReducedPrecision(engine, b.precision);
        this.precision = b.precision;
        this.maxOutputPixels = b.maxOutputPixels;
        this.maxInputPixels = b.maxInputPixels;
        Graph encoderGraph = Networks.encoder(model);
        this.encoder = backend.compile(encoderGraph);
        this.bandedEncoder = new BandedEncoder(encoderGraph, encoder, b.encoderBandPixels);
        try {
            this.decoder = Architecture.of(model.config().decoder()).decoder(model, backend,
                    b.tileRows > 0 ? b.tileRows : preferredTileRows(backend));
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
        LOG.debug("Loaded {} ({} parameters) on {}", model.source(), model.parameterCount(), backend.name());
    }

    private static int preferredTileRows(Backend backend) {
        int rows = backend.preferredTileRows();
        if (rows < 64) {
            throw new IllegalStateException("backend " + backend.name() + " prefers " + rows
                    + " rows per decoder tile; the minimum is 64");
        }
        return rows;
    }

    /**
     * Loads a model file with the default backend and limits: the common case in one call.
     *
     * @param path a {@code .safetensors} model file
     * @return the model, to be closed by the caller
     * @throws java.io.UncheckedIOException if the file cannot be read
     * @throws io.diif.model.ModelFormatException if it is not a valid model file
     * @throws IllegalStateException if no backend is available
     */
    public static DiifModel load(Path path) {
        return builder().model(path).build();
    }

    /**
     * Starts configuring a model: source, backend, precision, limits.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The architecture and settings from the model file, for tools that report or check them.
     *
     * @return the model's configuration
     */
    public ModelConfig config() {
        return model.config();
    }

    /**
     * The validated model file, for exporters and tools that need its tensors.
     *
     * @return the file this model was built from
     */
    public ModelFile modelFile() {
        return model;
    }

    /**
     * The size of the model, as papers report it.
     *
     * @return the number of learnable scalars the architecture uses
     */
    public long parameterCount() {
        return model.parameterCount();
    }

    /**
     * Which backend was picked, since the pick may come from the class path, a property or the environment.
     *
     * @return the backend's name, e.g. {@code onnx} or {@code java}
     */
    public String backendName() {
        return backend.name();
    }

    /**
     * The arithmetic the networks run in.
     *
     * @return the precision chosen with {@link Builder#precision}
     */
    public Precision precision() {
        return precision;
    }

    /**
     * The backend's own description, for logs and bug reports.
     *
     * @return engine, version, threads and precision, as the backend words them
     */
    public String backendDescription() {
        return backend.description();
    }

    /**
     * The largest render this model accepts, so that callers can check a request before sending it.
     *
     * @return the limit in output pixels ({@link Builder#maxOutputPixels})
     */
    public long maxOutputPixels() {
        return maxOutputPixels;
    }

    /**
     * Encodes an image once, so that it can be rendered at many sizes without encoding it again.
     *
     * @param image the image (RGB, grey, indexed or with alpha)
     * @return its representation, to be closed by the caller
     * @throws NullPointerException if {@code image} is null
     * @throws IllegalArgumentException if the image exceeds {@link Builder#maxInputPixels}
     * @throws IllegalStateException if this model is closed
     * @throws DiifException if the backend fails
     */
    public ImageRepresentation encode(BufferedImage image) {
        ensureOpen();
        Objects.requireNonNull(image, "image must not be null");
        checkInputSize(image.getWidth(), image.getHeight());
        return encode(ImageCodec.read(image));
    }

    /**
     * Encodes colour planes, for callers that hold floats already (decoded video, scientific images) and
     * should not round them to 8 bits.
     *
     * @param rgb01 planes {@code [3, height, width]} with values in [0, 1]; no alpha
     * @param width columns
     * @param height rows
     * @return its representation, to be closed by the caller
     * @throws NullPointerException if {@code rgb01} is null
     * @throws IllegalArgumentException if the size is below 1×1 or above {@link Builder#maxInputPixels}, the
     *     array's length is not {@code 3 × width × height}, or a value is not finite
     * @throws IllegalStateException if this model is closed
     * @throws DiifException if the backend fails
     */
    public ImageRepresentation encode(float[] rgb01, int width, int height) {
        ensureOpen();
        Objects.requireNonNull(rgb01, "rgb01 must not be null");
        checkInputSize(width, height);
        if (rgb01.length != 3L * width * height) {
            throw new IllegalArgumentException("rgb01 has " + rgb01.length + " values; 3x" + width + "x" + height
                    + " needs " + 3L * width * height);
        }
        for (float v : rgb01) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("rgb01 holds a non-finite value " + v);
            }
        }
        return encode(new Planes(rgb01.clone(), null, width, height));
    }

    private ImageRepresentation encode(Planes planes) {
        return encode(planes, Window.of(planes.width(), planes.height()));
    }

    /**
     * Encodes the latents of {@code region} exactly (the input is cropped to the region widened by the
     * encoder's receptive radius, so they equal the whole image's) and keeps only those.
     */
    private ImageRepresentation encode(Planes planes, Window region) {
        int width = planes.width();
        int height = planes.height();
        float mean = model.config().mean();
        float std = model.config().std();
        float[] x = new float[planes.rgb().length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (planes.rgb()[i] - mean) / std;
        }
        int features = model.config().encoder().features();
        float[] feat;
        try {
            if (region.pixels() == (long) width * height) {
                feat = bandedEncoder.encode(x, height, width);
            } else {
                int r = bandedEncoder.radius();
                Window crop = clip(region.x() - r, region.y() - r, region.x() + region.width() + r,
                        region.y() + region.height() + r, width, height);
                float[] part = bandedEncoder.encode(new FeatureMap(x, 3, height, width).window(crop), crop.height(),
                        crop.width());
                feat = new FeatureMap(part, features, crop.height(), crop.width()).window(new Window(
                        region.x() - crop.x(), region.y() - crop.y(), region.width(), region.height()));
            }
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new DiifException("backend " + backend.name() + " failed to encode a " + width + "x"
                    + height + " image: " + e.getMessage(), e);
        }
        FeatureMap map = new FeatureMap(feat, features, height, width, region);
        Latents latents = decoder.prepare(map, new FeatureMap(x, 3, height, width));
        return new ImageRepresentation(this, latents, planes.alpha());
    }

    /**
     * Starts a render straight from an image: say the size or scale, optionally a window and progress,
     * then where the pixels go ({@link Render}). The image is encoded when a terminal runs, and with a
     * window only the part of it the window needs, so a tile of a large image costs what the tile costs;
     * encode once with {@link #encode} instead to render one image several times.
     *
     * @param image the image (RGB, grey, indexed or with alpha); read when a terminal runs
     * @return a render with no output grid yet
     * @throws NullPointerException if {@code image} is null
     */
    public Render render(BufferedImage image) {
        Objects.requireNonNull(image, "image must not be null");
        return Render.of(this, image);
    }

    /**
     * Encodes what a {@code window} (null = all) of the {@code width × height} output of {@code image}
     * needs: its latents, {@value #DECODER_REACH} more on each side for the decoder's neighbourhood, and the
     * encoder's receptive radius. Renders of the window equal those of the whole image's representation;
     * time and memory follow the window, not the image (LTE's and DLTE's per-image maps are computed over
     * the encoded region only).
     */
    ImageRepresentation encodeFor(BufferedImage image, int width, int height, Window window) {
        ensureOpen();
        checkInputSize(image.getWidth(), image.getHeight());
        checkOutputSize(width, height);
        if (window == null) {
            return encode(ImageCodec.read(image));
        }
        window.checkInside(width, height);
        Planes planes = ImageCodec.read(image);
        int w = planes.width();
        int h = planes.height();
        // Latent i holds output rows near (i + ½)·height/h; widen by the reach and round outwards.
        int y0 = (int) Math.floor((double) window.y() * h / height) - DECODER_REACH;
        int y1 = (int) Math.ceil((double) (window.y() + window.height()) * h / height) + DECODER_REACH;
        int x0 = (int) Math.floor((double) window.x() * w / width) - DECODER_REACH;
        int x1 = (int) Math.ceil((double) (window.x() + window.width()) * w / width) + DECODER_REACH;
        return encode(planes, clip(x0, y0, x1, y1, w, h));
    }

    /** [x0, x1) × [y0, y1) clipped to a width × height grid. */
    private static Window clip(int x0, int y0, int x1, int y1, int width, int height) {
        int left = Math.max(0, x0);
        int top = Math.max(0, y0);
        return new Window(left, top, Math.min(width, x1) - left, Math.min(height, y1) - top);
    }

    /**
     * Encodes and renders at {@code round(scale·W) × round(scale·H)} of the image's {@code W × H}: the
     * one-line form of {@code render(image).scale(scale).toImage()}.
     *
     * @param image the image (RGB, grey, indexed or with alpha)
     * @param scale the factor, finite and positive; below 1 it downscales
     * @return the 8-bit result, with alpha when the input had it
     * @throws NullPointerException if {@code image} is null
     * @throws IllegalArgumentException if {@code scale} is not finite and positive, or the input or output
     *     exceeds this model's limits
     * @throws IllegalStateException if this model is closed
     * @throws DiifException if the backend fails
     */
    public BufferedImage upscale(BufferedImage image, double scale) {
        return render(image).scale(scale).toImage();
    }

    /**
     * Bytes of memory the encoding of a {@code width × height} image holds until its representation is closed:
     * the feature map, and the per-latent maps and input that LTE and DLTE keep. For sizing caches.
     *
     * @param width the image's width
     * @param height the image's height
     * @return the bytes, whatever the backend
     * @throws IllegalArgumentException if either size is below 1
     */
    public long encodingBytes(int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be at least 1x1, was " + width + "x" + height);
        }
        return (long) Float.BYTES * decoder.latentChannels(model.config().encoder().features()) * width * height;
    }

    void checkOutputSize(long width, long height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("output size must be at least 1x1, was " + width + "x" + height);
        }
        if (width * height > maxOutputPixels) {
            throw new IllegalArgumentException("output " + width + "x" + height + " = " + width * height
                    + " pixels exceeds the limit of " + maxOutputPixels + " (DiifModel.Builder.maxOutputPixels)");
        }
    }

    private void checkInputSize(long width, long height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("input image must be at least 1x1, was " + width + "x" + height);
        }
        if (width * height > maxInputPixels) {
            throw new IllegalArgumentException("input " + width + "x" + height + " = " + width * height
                    + " pixels exceeds the limit of " + maxInputPixels + " (DiifModel.Builder.maxInputPixels)");
        }
    }

    Decoder decoder() {
        return decoder;
    }

    void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("model " + model.source() + " is closed");
        }
    }

    /**
     * Frees the compiled networks, which may hold native memory. Idempotent; representations this model
     * made can no longer render afterwards.
     */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                decoder.close();
            } finally {
                encoder.close();
            }
        }
    }

    @Override
    public String toString() {
        return "DiifModel[" + model.config().name() + ", " + model.config().encoder().type() + "-"
                + model.config().decoder().type() + ", " + backend.name() + "]";
    }

    /**
     * The backend as the decoders see it: every graph compiled in one precision. Owns nothing; the shared
     * engine stays open.
     */
    private record ReducedPrecision(Backend engine, Precision precision) implements Backend {
        @Override
        public String name() {
            return engine.name();
        }

        @Override
        public String description() {
            return engine.description() + ", " + precision.label();
        }

        @Override
        public int preferredTileRows() {
            return engine.preferredTileRows();
        }

        /**
         * False: a bias folded into the weight would be rounded with it, one constant error per output that
         * no later layer averages away; kept apart, the engine adds it in float.
         */
        @Override
        public boolean biasAsInputColumn() {
            return false;
        }

        @Override
        public Set<Precision> precisions() {
            return engine.precisions();
        }

        @Override
        public Executable compile(Graph graph) {
            return engine.compile(graph, precision);
        }

        @Override
        public Executable compile(Graph graph, Precision other) {
            return engine.compile(graph, other);
        }

        @Override
        public void close() {
        }
    }

    /**
     * Configures where a model comes from, which backend runs it, and its safety limits. Exactly one
     * source must be set. Not thread-safe; the model it builds is.
     */
    public static final class Builder {
        private Path path;
        private InputStream stream;
        private String streamName;
        private String resource;
        private ModelFile modelFile;
        private String backend;
        private long maxOutputPixels = DEFAULT_MAX_OUTPUT_PIXELS;
        private long maxInputPixels = DEFAULT_MAX_INPUT_PIXELS;
        /** 0: the backend's {@link Backend#preferredTileRows()}. */
        private int tileRows;
        private long encoderBandPixels = DEFAULT_ENCODER_BAND_PIXELS;
        private Precision precision = Precision.FP32;

        private Builder() {
        }

        /**
         * Reads the model from a file.
         *
         * @param path a {@code .safetensors} model file
         * @return this builder
         * @throws NullPointerException if {@code path} is null
         */
        public Builder model(Path path) {
            this.path = Objects.requireNonNull(path, "path must not be null");
            return this;
        }

        /**
         * Reads the model from a stream, for models that do not live in a file (downloads, archives).
         *
         * @param stream the model bytes; read fully when {@link #build()} runs, not closed
         * @param name what errors call the model; {@code "stream"} when null
         * @return this builder
         * @throws NullPointerException if {@code stream} is null
         */
        public Builder model(InputStream stream, String name) {
            this.stream = Objects.requireNonNull(stream, "stream must not be null");
            this.streamName = name == null ? "stream" : name;
            return this;
        }

        /**
         * Reads the model from a class-path resource, so that a model can ship inside a jar.
         *
         * @param resource a resource name, e.g. {@code "models/default.safetensors"}
         * @return this builder
         * @throws NullPointerException if {@code resource} is null
         */
        public Builder modelResource(String resource) {
            this.resource = Objects.requireNonNull(resource, "resource must not be null");
            return this;
        }

        /**
         * Uses an already read model file, so that one file can be compiled on several backends.
         *
         * @param file a validated model file
         * @return this builder
         * @throws NullPointerException if {@code file} is null
         */
        public Builder model(ModelFile file) {
            this.modelFile = Objects.requireNonNull(file, "file must not be null");
            return this;
        }

        /**
         * Names the backend to run the model on. Without one, the system property {@code diif.backend}, the
         * environment variable {@code DIIF_BACKEND}, or else the best available backend is used.
         *
         * @param name {@code onnx}, {@code pytorch}, {@code tensorflow}, {@code java}, …; case and surrounding
         *     space are ignored; null for the default
         * @return this builder
         */
        public Builder backend(String name) {
            this.backend = name;
            return this;
        }

        /**
         * The arithmetic of the networks: {@link Precision#FP32} (the default) or a reduced precision the
         * backend supports ({@code build()} refuses one it does not, naming both).
         *
         * @param precision the precision
         * @return this builder
         * @throws NullPointerException if {@code precision} is null
         */
        public Builder precision(Precision precision) {
            this.precision = Objects.requireNonNull(precision, "precision must not be null");
            return this;
        }

        /**
         * Largest output a render may produce, so that a request cannot exhaust memory or time by accident
         * or on purpose. Default {@link DiifModel#DEFAULT_MAX_OUTPUT_PIXELS}.
         *
         * @param pixels the limit, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code pixels} is below 1
         */
        public Builder maxOutputPixels(long pixels) {
            if (pixels <= 0) {
                throw new IllegalArgumentException("maxOutputPixels must be > 0, was " + pixels);
            }
            this.maxOutputPixels = pixels;
            return this;
        }

        /**
         * Largest image that may be encoded, for the same reason as {@link #maxOutputPixels}. Default
         * {@link DiifModel#DEFAULT_MAX_INPUT_PIXELS}.
         *
         * @param pixels the limit, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code pixels} is below 1
         */
        public Builder maxInputPixels(long pixels) {
            if (pixels <= 0) {
                throw new IllegalArgumentException("maxInputPixels must be > 0, was " + pixels);
            }
            this.maxInputPixels = pixels;
            return this;
        }

        /**
         * Working-set bound of the decoders (rows of activations held at once), which bounds render memory.
         * Default: the backend's {@link Backend#preferredTileRows()}.
         *
         * @param rows activation rows per tile, at least 64
         * @return this builder
         * @throws IllegalArgumentException if {@code rows} is below 64
         */
        public Builder tileRows(int rows) {
            if (rows < 64) {
                throw new IllegalArgumentException("tileRows must be >= 64, was " + rows);
            }
            this.tileRows = rows;
            return this;
        }

        /**
         * Image pixels the encoder processes at once; larger images are encoded in overlapping bands with
         * identical results, which bounds encoder memory. Default {@link DiifModel#DEFAULT_ENCODER_BAND_PIXELS}.
         *
         * @param pixels pixels per band, at least 1024
         * @return this builder
         * @throws IllegalArgumentException if {@code pixels} is below 1024
         */
        public Builder encoderBandPixels(long pixels) {
            if (pixels < 1024) {
                throw new IllegalArgumentException("encoderBandPixels must be >= 1024, was " + pixels);
            }
            this.encoderBandPixels = pixels;
            return this;
        }

        /**
         * Reads the model and compiles its networks on the backend.
         *
         * @return the model, to be closed by the caller
         * @throws IllegalStateException if not exactly one source was set, or the named backend (or any
         *     backend) is not available
         * @throws java.io.UncheckedIOException if the model cannot be read
         * @throws io.diif.model.ModelFormatException if it is not a valid model file
         * @throws IllegalArgumentException if a class-path resource is missing, or the backend does not
         *     support the chosen precision
         */
        public DiifModel build() {
            int sources = (path != null ? 1 : 0) + (stream != null ? 1 : 0) + (resource != null ? 1 : 0)
                    + (modelFile != null ? 1 : 0);
            if (sources != 1) {
                throw new IllegalStateException("set exactly one model source (path, stream, resource or file); "
                        + sources + " set");
            }
            ModelFile file = modelFile;
            try {
                if (path != null) {
                    file = ModelFile.read(path);
                } else if (stream != null) {
                    file = ModelFile.read(stream, streamName);
                } else if (resource != null) {
                    ClassLoader cl = Thread.currentThread().getContextClassLoader();
                    InputStream in = cl != null ? cl.getResourceAsStream(resource) : null;
                    if (in == null) {
                        in = DiifModel.class.getClassLoader().getResourceAsStream(resource);
                    }
                    if (in == null) {
                        throw new IllegalArgumentException("class-path resource " + resource + " not found");
                    }
                    try (InputStream r = in) {
                        file = ModelFile.read(r, "classpath:" + resource);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read model " + (path != null ? path : resource != null
                        ? resource : streamName) + ": " + e.getMessage(), e);
            }
            return new DiifModel(this, file);
        }
    }
}
