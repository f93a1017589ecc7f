package io.diif.examples;

import static io.diif.examples.DiifCliErrorsTest.oneLineFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.examples.CliHarness.Run;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models inside jars, named {@code classpath:RESOURCE} where a model FILE goes. */
@DisplayName("diif --model classpath:RESOURCE")
class ClasspathModelTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("info describes the bundled LIIF and its training record")
    void infoOfTheBundledLiif() {
        Run r = CliHarness.run("info", "--model", "classpath:io/diif/models/liif.safetensors");
        assertEquals(0, r.exit(), r::toString);
        assertTrue(r.out().contains("model:        classpath:io/diif/models/liif.safetensors\n"), r.out());
        assertTrue(r.out().contains("name:         edsr-baseline-liif\n"), r.out());
        assertTrue(r.out().contains("parameters:   1,567,299"), r.out());
        assertTrue(r.out().contains("trained:      "), r.out());
    }

    @Test
    @DisplayName("upscale renders with it; a resource that is not there is a usage error naming it")
    void upscaleAndMissing() {
        CliHarness cli = new CliHarness(dir);
        Path out = dir.resolve("liif.png");
        Run r = CliHarness.run("upscale", cli.image.toString(), out.toString(), "--scale", "2", "--model",
                "classpath:io/diif/models/liif.safetensors", "--backend", "java", "--quiet");
        assertEquals(0, r.exit(), r::toString);
        oneLineFailure(CliHarness.run("upscale", cli.image.toString(), out.toString(), "--scale", "2", "--model",
                "classpath:io/diif/models/none.safetensors"), 2, "no class-path resource io/diif/models/none.safetensors");
    }
}
