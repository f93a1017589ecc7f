package io.diif.server;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.ArrayBlockingQueue;
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

    private Rgb superResolved(SourceImage source, RenderPlan plan, BooleanSupplier cancelled) {
        DiifAdapter.Encoding encoding = encodings.get(source.key());
        try {
            if (encoding != null) {
                encodedRenders.incrementAndGet();
                return diif.render(encoding, plan.gridWidth(), plan.gridHeight(), plan.window(), cancelled);
            }
            encodeInBackground(source);
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

    /** Starts encoding the whole image once, when its encoding fits the cache. */
    private void encodeInBackground(SourceImage source) {
        if (!encodings.fits(diif.encodingBytes(source.width(), source.height()))
                || loading.running("encoding|" + source.key())) {
            return;
        }
        encoder.execute(() -> {
            try {
                loading.get("encoding|" + source.key(), () -> {
                    if (encodings.get(source.key()) == null) {
                        long started = System.nanoTime();
                        encodings.put(source.key(), diif.encode(source.image()));
                        LOG.info("encoded {} ({}x{}) in {} ms", source.key(), source.width(), source.height(),
                                (System.nanoTime() - started) / 1_000_000);
                    }
                    return null;
                });
            } catch (Exception | OutOfMemoryError e) {
                LOG.warn("encoding {} failed: {}", source.key(), e.toString());
            }
        });
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

    @Override
    public void close() {
        workers.shutdownNow();
        encoder.shutdownNow();
        try {
            workers.awaitTermination(10, TimeUnit.SECONDS);
            encoder.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The executor for tests that need to observe the queue. */
    ExecutorService workers() {
        return workers;
    }
}
