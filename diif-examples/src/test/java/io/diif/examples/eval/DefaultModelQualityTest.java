package io.diif.examples.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.Diif;
import io.diif.DiifModel;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The promise of the bundled default model, checked on the sample photo with the eval protocol: it restores
 * a downscaled photo better than bicubic does (RGB PSNR, border scale + 6), inside and beyond its trained range.
 * The bundled LIIF baseline, trained alike, is held to the same promise.
 */
@DisplayName("The bundled default model")
class DefaultModelQualityTest {
    static DiifModel model;
    static DiifModel liif;
    static Rgb8 photo;

    @BeforeAll
    static void load() throws Exception {
        model = DiifModel.builder().modelResource(Diif.DEFAULT_MODEL_RESOURCE).backend("java").build();
        liif = DiifModel.builder().modelResource("io/diif/models/liif.safetensors").backend("onnx").build();
        photo = Rgb8.of(ImageIO.read(Path.of("samples/cat-eye.png").toFile()));
    }

    @AfterAll
    static void close() {
        model.close();
        liif.close();
    }

    @ParameterizedTest(name = "{0} ×{1}")
    @CsvSource({"DIIF, 2", "DIIF, 3", "DIIF, 4", "DIIF, 6", "DIIF, 12", "LIIF, 2", "LIIF, 3", "LIIF, 4", "LIIF, 6",
            "LIIF, 12"})
    @DisplayName("beats bicubic on the sample photo, and so does the bundled LIIF")
    void beatsBicubic(String name, int scale) {
        Rgb8 truth = photo.centreCrop(photo.width() / scale * scale, photo.height() / scale * scale);
        EvalCommand.Trial trial = EvalCommand.trial(truth, scale, List.of(new EvalCommand.Method("bicubic", null),
                new EvalCommand.Method(name, name.equals("DIIF") ? model : liif)));
        double gain = Scores.of(truth, trial.outputs().get(1), scale).psnrRgb()
                - Scores.of(truth, trial.outputs().get(0), scale).psnrRgb();
        assertTrue(gain > 0, "x" + scale + ": " + name + " is " + gain + " dB from bicubic");
    }
}
