package io.diif.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models of this JVM, one per {@link ModelSource#key()}: loaded by the first task that needs one and
 * shared by every task the executor runs afterwards (models are thread-safe), closed when the JVM exits.
 * Static so it outlives tasks and is never part of a serialised closure.
 */
final class ExecutorModels {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
    private static final Map<String, DiifAdapter.Model> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "diif-close-models"));
    }

    private ExecutorModels() {
    }

    /** The model of {@code source}, loading it on first use; concurrent first uses load it once. */
    static DiifAdapter.Model get(ModelSource source) {
        return MODELS.computeIfAbsent(source.key(), key -> {
            long started = System.nanoTime();
            DiifAdapter.Model model = DiifAdapter.load(source, source.bytes());
            LOADS.incrementAndGet();
            LOG.info("Loaded model {} as {} in {} ms", key, model.description(),
                    (System.nanoTime() - started) / 1_000_000);
            return model;
        });
    }

    /** How many models this JVM has loaded so far: reuse across tasks keeps it at one per key. */
    static int loads() {
        return LOADS.get();
    }

    /** Closes every model (shutdown hook; tests). */
    static void closeAll() {
        List<String> keys = new ArrayList<>(MODELS.keySet());
        for (String key : keys) {
            DiifAdapter.Model model = MODELS.remove(key);
            if (model != null) {
                try {
                    model.close();
                } catch (RuntimeException e) {
                    LOG.warn("Closing model {} failed: {}", key, e.toString());
                }
            }
        }
    }
}
