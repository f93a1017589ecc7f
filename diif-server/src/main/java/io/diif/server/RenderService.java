package io.diif.server;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, caches and renders images: decoded sources and resized levels, whole-image encodings and
 * encoded responses, each cache bounded by bytes and evicted least recently used first; renders run on a
 * fixed pool of workers behind a bounded queue.
 */
final class RenderService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RenderService.class);
    /** A window needing at least this share of the image waits for the whole encoding instead of its own. */
    private static final double WHOLE_IMAGE_SHARE = 0.25;
    /**
     * Tiles of an image rendered from their own part of it before the whole image is encoded: a tile's own
     * encoding costs about what rendering from cached latents does, and a whole encoding running beside the
     * first tiles slows them down several times on a small machine (docs/server.md).
     */
    private static final int REGION_RENDERS_BEFORE_ENCODING = 4;

    private final ServerConfig config;
    private final DiifAdapter diif;
    private final ImageCatalog catalog;
    private final ThreadPoolExecutor workers;
    private final ThreadPoolExecutor encoder;
    private final ByteLruCache<String, SourceImage> sources;
    private final ByteLruCache<String, Rgb> levels;
    private final ByteLruCache<String, DiifAdapter.Encoding> encodings;
    private final ByteLruCache<String, byte[]> responses;
    private final SingleFlight<String, Object> loading = new SingleFlight<>();
    private final AtomicLong cancelledRenders = new AtomicLong();
    private final AtomicLong regionRenders = new AtomicLong();
    private final AtomicLong encodedRenders = new AtomicLong();
    private final ConcurrentHashMap<String, AtomicInteger> regionRendersBySource = new ConcurrentHashMap<>();

    RenderService(ServerConfig config, DiifAdapter diif, ImageCatalog catalog) {
        this.config = config;
        this.diif = diif;
        this.catalog = catalog;
        this.workers = new ThreadPoolExecutor(config.workers(), config.workers(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, config.queue())), threads("diif-render"));
        // One whole-image encoding at a time, in the background: tiles do not wait for it.
        this.encoder = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4),
                threads("diif-encode"), new ThreadPoolExecutor.DiscardPolicy());
        long budget = config.cacheBytes();
        this.encodings = new ByteLruCache<>(budget, DiifAdapter.Encoding::bytes);
        this.sources = new ByteLruCache<>(budget / 4, SourceImage::bytes);
        this.levels = new ByteLruCache<>(budget / 4, Rgb::bytes);
        this.responses = new ByteLruCache<>(budget / 8, b -> b.length);
    }

    private static java.util.concurrent.ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs {@code job} on a worker; throws RejectedExecutionException when the queue is full. */
    void submit(Runnable job) {
        if (config.queue() == 0 && workers.getActiveCount() >= config.workers()) {
            throw new RejectedExecutionException("all " + config.workers() + " workers are busy");
        }
        workers.execute(job);
    }

    /** The source image of {@code name}: 404 when there is none, 500 when its file cannot be read. */
    SourceImage source(String name) throws IiifException {
        Path file = catalog.find(name).orElseThrow(() -> new IiifException(404, "no image " + name));
        String key;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            key = name + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            throw new IiifException(404, "no image " + name);
        }
        SourceImage cached = sources.get(key);
        if (cached != null) {
            return cached;
        }
        try {
            return (SourceImage) loading.get("source|" + key, () -> {
                SourceImage again = sources.get(key);
                if (again != null) {
                    return again;
                }
                BufferedImage image = DiifAdapter.readOpaque(file, config.maxSourcePixels());
                SourceImage s = new SourceImage(key, image, DiifAdapter.planes(image));
                sources.put(key, s);
                return s;
            });
        } catch (IOException | IllegalArgumentException e) {
            throw new IiifException(500, "image " + name + " cannot be read: " + oneLine(e.getMessage()));
        } catch (OutOfMemoryError e) {
            throw new IiifException(500, "image " + name + " is too large to read in this server's memory");
        } catch (Exception e) {
            throw new IiifException(500, "image " + name + " cannot be read: " + e);
        }
    }

    /** A response cached under {@code key}, or null. */
    byte[] cachedResponse(String key) {
        return responses.get(key);
    }

    /** Renders {@code plan} of {@code source} into {@code id}'s pixels and encodes the response. */
    byte[] render(SourceImage source, ImageId id, ImageRequest request, RenderPlan plan, String cacheKey,
            BooleanSupplier cancelled) throws Exception {
        Rgb pixels;
        if (!plan.upscale()) {
            pixels = level(source, plan.gridWidth(), plan.gridHeight()).crop(plan.window());
        } else if (id.bicubic()) {
            pixels = BicubicWindow.render(source.planes(), plan.gridWidth(), plan.gridHeight(), plan.window());
        } else {
            pixels = superResolved(source, plan, cancelled);
        }
        byte[] bytes = ImageOutput.encode(pixels, request.mirror(), request.rotation(), request.quality(),
                request.format());
        responses.put(responseKey(source, cacheKey), bytes);
        return bytes;
    }

    /** The key of a response of {@code source}; see {@link #cachedResponse}. */
    static String responseKey(SourceImage source, String cacheKey) {
        return source.key() + "|" + cacheKey;
    }

    private Rgb level(SourceImage source, int width, int height) throws Exception {
        if (width == source.width() && height == source.height()) {
            return source.planes();
        }
        String key = source.key() + "|" + width + "x" + height;
        Rgb cached = levels.get(key);
        if (cached != null) {
            return cached;
        }
        return (Rgb) loading.get("level|" + key, () -> {
            Rgb again = levels.get(key);
            if (again != null) {
                return again;
            }
            Rgb level = DiifAdapter.resize(source.planes(), width, height);
            levels.put(key, level);
            return level;
        });
    }

    private Rgb superResolved(SourceImage source, RenderPlan plan, BooleanSupplier cancelled) throws Exception {
        DiifAdapter.Encoding encoding = encodings.get(source.key());
        boolean cacheable = encodings.fits(diif.encodingBytes(source.width(), source.height()));
        if (encoding == null && cacheable) {
            double share = (double) plan.window().pixels() / ((double) plan.gridWidth() * plan.gridHeight());
            if (share >= WHOLE_IMAGE_SHARE) {
                // The window needs most of the image: its own encoding would cost as much as the whole one.
                encoding = encodeWhole(source);
            } else if (regionRendersOf(source).incrementAndGet() == REGION_RENDERS_BEFORE_ENCODING) {
                // An image zoomed around in: encode it whole, once, in the background, for the tiles to come.
                encoder.execute(() -> encodeQuietly(source));
            }
        }
        try {
            if (encoding != null) {
                encodedRenders.incrementAndGet();
                return diif.render(encoding, plan.gridWidth(), plan.gridHeight(), plan.window(), cancelled);
            }
            regionRenders.incrementAndGet();
            return diif.render(source.image(), plan.gridWidth(), plan.gridHeight(), plan.window(), cancelled);
        } catch (RuntimeException e) {
            if (cancelled.getAsBoolean()) {
                cancelledRenders.incrementAndGet();
                throw new DiifAdapter.RenderCancelledException();
            }
            throw e;
        }
    }

    /** The whole image's encoding: cached, or being made by another thread (then awaited), or made here. */
    private DiifAdapter.Encoding encodeWhole(SourceImage source) throws Exception {
        return (DiifAdapter.Encoding) loading.get("encoding|" + source.key(), () -> {
            DiifAdapter.Encoding cached = encodings.get(source.key());
            if (cached != null) {
                return cached;
            }
            long started = System.nanoTime();
            DiifAdapter.Encoding e = diif.encode(source.image());
            encodings.put(source.key(), e);
            LOG.info("encoded {} ({}x{}) in {} ms", source.key(), source.width(), source.height(),
                    (System.nanoTime() - started) / 1_000_000);
            return e;
        });
    }

    private AtomicInteger regionRendersOf(SourceImage source) {
        return regionRendersBySource.computeIfAbsent(source.key(), k -> new AtomicInteger());
    }

    /** Encodes the whole image in the background, unless that is under way or done already. */
    private void encodeQuietly(SourceImage source) {
        if (encodings.get(source.key()) != null || loading.running("encoding|" + source.key())) {
            return;
        }
        try {
            encodeWhole(source);
        } catch (Exception | OutOfMemoryError e) {
            LOG.warn("encoding {} failed: {}", source.key(), e.toString());
        }
    }

    /** Counters for tests and the log: renders cancelled, from a region's own encoding, from a cached one. */
    long cancelledRenders() {
        return cancelledRenders.get();
    }

    long regionRenders() {
        return regionRenders.get();
    }

    long encodedRenders() {
        return encodedRenders.get();
    }

    /** Bytes the caches hold now (encodings, sources, levels, responses). */
    long cachedBytes() {
        return encodings.bytes() + sources.bytes() + levels.bytes() + responses.bytes();
    }

    /** The most bytes the caches may hold. */
    long cacheBudget() {
        return encodings.maxBytes() + sources.maxBytes() + levels.maxBytes() + responses.maxBytes();
    }

    /** Whether the whole-image encoding of {@code source} is cached (tests wait for it). */
    boolean encoded(SourceImage source) {
        return encodings.get(source.key()) != null;
    }

    static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String t = s.replaceAll("[\\p{Cntrl}\\u2028\\u2029]", " ");
        return t.length() > 300 ? t.substring(0, 300) + "..." : t;
    }

    /**
     * Stops the workers: renders are cancelled where they poll, but an encoder run cannot be interrupted.
     * Returns whether all stopped within {@code seconds}.
     */
    boolean stop(long seconds) {
        workers.shutdownNow();
        encoder.shutdownNow();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            return workers.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                    && encoder.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        stop(10);
    }

    /** The executor for tests that need to observe the queue. */
    ExecutorService workers() {
        return workers;
    }
}
