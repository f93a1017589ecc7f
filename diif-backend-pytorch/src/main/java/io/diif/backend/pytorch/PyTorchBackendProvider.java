package io.diif.backend.pytorch;

import io.diif.spi.Backend;
import io.diif.spi.BackendProvider;
import java.util.Locale;
import java.util.Optional;

/**
 * Registers the PyTorch backend (Deep Java Library's PyTorch engine, CPU build of libtorch from the
 * {@code ai.djl.pytorch:pytorch-native-cpu} jar).
 *
 * <p>Discovery only looks at the platform and at class-path resources; no DJL class is initialised
 * and no native library is loaded before {@link #create()}.
 */
public final class PyTorchBackendProvider implements BackendProvider {
    /** The name users select this backend by. */
    public static final String NAME = "pytorch";

    /** Class-path resources the backend needs: DJL's API and engine, the JNI glue and libtorch itself. */
    private static final String[][] REQUIRED = {
        {"ai/djl/engine/Engine.class", "ai.djl:api"},
        {"ai/djl/pytorch/engine/PtEngine.class", "ai.djl.pytorch:pytorch-engine"},
        {"jnilib/pytorch.properties", "ai.djl.pytorch:pytorch-jni"},
        {"jnilib/linux-x86_64/cpu/libdjl_torch.so", "ai.djl.pytorch:pytorch-jni"},
        {"native/lib/pytorch.properties", "ai.djl.pytorch:pytorch-native-cpu:linux-x86_64"},
        {"pytorch/cpu/linux-x86_64/libtorch_cpu.so", "ai.djl.pytorch:pytorch-native-cpu:linux-x86_64"},
    };

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 80;
    }

    @Override
    public Optional<String> unavailableReason() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        if (!os.startsWith("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return Optional.of("the PyTorch backend ships CPU natives for linux-x86_64 only, this is "
                    + System.getProperty("os.name") + "/" + System.getProperty("os.arch"));
        }
        ClassLoader loader = PyTorchBackendProvider.class.getClassLoader();
        for (String[] required : REQUIRED) {
            if (loader.getResource(required[0]) == null) {
                return Optional.of(required[0] + " is not on the class path (add " + required[1] + ")");
            }
        }
        return Optional.empty();
    }

    @Override
    public Backend create() {
        return new PyTorchBackend();
    }
}
