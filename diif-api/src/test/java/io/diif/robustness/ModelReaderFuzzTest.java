package io.diif.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.diif.graph.Parameter;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.model.ModelFormatException;
import io.diif.model.Safetensors;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz targets for the model reader. The only acceptable outcomes for arbitrary bytes are a valid
 * model or a {@link ModelFormatException} whose one-line message names the source; anything else
 * (another exception, an OutOfMemoryError, a hang) is a finding.
 *
 * <p>A normal build runs the committed seeds under {@code src/test/resources/io/diif/robustness/
 * ModelReaderFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (see robustness/README.md).
 */
class ModelReaderFuzzTest {
    private static final String NAME = "fuzz.safetensors";

    @FuzzTest(maxDuration = "5m")
    void safetensors(byte[] data) throws IOException {
        Object fromBytes = outcome(() -> ModelFile.of(Safetensors.parse(data, NAME), NAME));
        Object fromStream = outcome(() -> ModelFile.read(new ByteArrayInputStream(data), NAME));
        // Both readers must agree on whether the file is a model, and on what it holds.
        assertEquals(fromBytes instanceof ModelFile, fromStream instanceof ModelFile, () -> fromBytes + " / " + fromStream);
        if (fromBytes instanceof ModelFile a && fromStream instanceof ModelFile b) {
            assertEquals(a.config(), b.config());
            assertEquals(a.parameterCount(), b.parameterCount());
            for (Parameter p : a.parameters().values()) {
                for (float v : p.values()) {
                    assertTrue(Float.isFinite(v), p.name());
                }
            }
        }
    }

    @FuzzTest(maxDuration = "5m")
    void config(byte[] data) {
        String json = new String(data, StandardCharsets.UTF_8);
        try {
            ModelConfig c = ModelConfig.parse(json, NAME);
            assertTrue(c.std() > 0 && Float.isFinite(c.mean()), c.toString());
            assertTrue(c.encoder().features() > 0, c.toString());
        } catch (ModelFormatException e) {
            checkMessage(e);
        }
    }

    interface Read {
        ModelFile read() throws IOException;
    }

    /** The model read, or the expected exception after checking its message. */
    private static Object outcome(Read read) throws IOException {
        try {
            return read.read();
        } catch (ModelFormatException e) {
            checkMessage(e);
            return e;
        }
    }

    private static void checkMessage(ModelFormatException e) {
        String m = e.getMessage();
        assertTrue(m != null && m.startsWith(NAME), () -> "message does not name the file: " + m);
        assertTrue(m.indexOf('\n') < 0 && m.indexOf('\r') < 0, () -> "message spans lines: " + m);
    }
}
