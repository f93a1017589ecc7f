package io.diif.backend.tensorflow;

import io.diif.spi.Backend;
import io.diif.spi.BackendProvider;
import java.util.Locale;
import java.util.Optional;

/**
 * Registers the TensorFlow backend (TensorFlow Java, CPU).
 *
 * <p>{@link #unavailableReason()} only inspects the platform and the class path: it never loads the
 * TensorFlow natives, which happens in {@link #create()}.
 */
public final class TensorFlowBackendProvider implements BackendProvider {
    /** The name users select this backend by. */
    public static final String NAME = "tensorflow";

    /** The JavaCPP platform whose natives this module ships (tensorflow-core-native, this classifier). */
    static final String PLATFORM = "linux-x86_64";
    /** JNI bridge bundled in the native jar; its presence means the natives are on the class path. */
    private static final String NATIVE_RESOURCE = "org/tensorflow/internal/c_api/" + PLATFORM + "/libjnitensorflow.so";
    private static final String API_CLASS = "org.tensorflow.Session";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 90;
    }

    @Override
    public Optional<String> unavailableReason() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return Optional.of("TensorFlow Java natives are bundled for " + PLATFORM + " only; this is "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        }
        ClassLoader loader = loader();
        try {
            // initialize=false: resolving the class must not run its static initialiser (which loads natives).
            Class.forName(API_CLASS, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return Optional.of("org.tensorflow:tensorflow-core-api is not on the class path");
        }
        if (loader.getResource(NATIVE_RESOURCE) == null) {
            return Optional.of("the TensorFlow natives (org.tensorflow:tensorflow-core-native, classifier "
                    + PLATFORM + ") are not on the class path");
        }
        return Optional.empty();
    }

    @Override
    public Backend create() {
        return new TensorFlowBackend();
    }

    private static ClassLoader loader() {
        ClassLoader own = TensorFlowBackendProvider.class.getClassLoader();
        return own != null ? own : ClassLoader.getSystemClassLoader();
    }
}
