package io.diif.backend.pytorch;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads DJL's PyTorch engine once per process, offline.
 *
 * <p>Before any DJL class is initialised this sets {@code ai.djl.offline=true} (unless the user set it),
 * so DJL never downloads libtorch or the JNI glue and never calls home: libtorch comes from the
 * {@code pytorch-native-cpu} jar and the glue from the {@code pytorch-jni} jar on the class path (DJL
 * extracts both into its cache directory, {@code ~/.djl.ai/pytorch} unless {@code DJL_CACHE_DIR} or
 * {@code ENGINE_CACHE_DIR} says otherwise). After loading, libtorch's intra-op thread count is capped
 * at the processors this JVM may use, unless {@code ai.djl.pytorch.num_threads} chose one. The inter-op
 * pool is left alone: graphs are run node by node from the calling thread and never use it.
 */
final class PyTorchRuntime {
    static final String ENGINE_NAME = "PyTorch";

    private static final Logger LOG = LoggerFactory.getLogger(PyTorchRuntime.class);

    private static Engine engine;
    private static RuntimeException failure;
    private static int intraOpThreads;

    private PyTorchRuntime() {
    }

    /** The loaded engine; throws IllegalStateException (the same one every time) if it cannot load. */
    static synchronized Engine engine() {
        if (engine != null) {
            return engine;
        }
        if (failure != null) {
            throw failure;
        }
        configureOffline();
        try {
            Engine e = Engine.getEngine(ENGINE_NAME);
            capIntraOpThreads();
            engine = e;
            LOG.debug("PyTorch {} loaded from {}", e.getVersion(), LibUtils.getLibtorchPath());
            return e;
        } catch (RuntimeException | LinkageError e) {
            failure = new IllegalStateException("The PyTorch backend could not load libtorch (offline, from the"
                    + " ai.djl.pytorch:pytorch-native-cpu:linux-x86_64 jar): " + e, e);
            throw failure;
        }
    }

    static synchronized int intraOpThreads() {
        return intraOpThreads;
    }

    static String libtorchPath() {
        return LibUtils.getLibtorchPath();
    }

    private static void configureOffline() {
        setIfAbsent("ai.djl.offline", "true");
        // Telemetry is already off in offline mode; this also covers a user who turned offline mode off.
        if (System.getenv("OPT_OUT_TRACKING") == null) {
            setIfAbsent("OPT_OUT_TRACKING", "true");
        }
        String offline = System.getenv("DJL_OFFLINE");
        if (offline == null) {
            offline = System.getProperty("ai.djl.offline");
        }
        if (!Boolean.parseBoolean(offline)) {
            LOG.warn("DJL offline mode was turned off (ai.djl.offline / DJL_OFFLINE = {}); DJL may try to"
                    + " download libtorch if the pytorch-native-cpu jar is missing", offline);
        }
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private static void capIntraOpThreads() {
        int cores = Runtime.getRuntime().availableProcessors();
        int current = JniUtils.getNumThreads();
        if (Integer.getInteger("ai.djl.pytorch.num_threads") == null && current > cores) {
            // libtorch counts the host's physical cores; a container or affinity mask may allow fewer.
            JniUtils.setNumThreads(cores);
            LOG.debug("PyTorch intra-op threads capped from {} to {} available processors", current, cores);
            current = JniUtils.getNumThreads();
        }
        intraOpThreads = current;
    }
}
