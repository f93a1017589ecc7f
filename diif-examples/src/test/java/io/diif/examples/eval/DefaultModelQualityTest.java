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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The promise of the bundled default model, checked on the sample photo with the eval protocol: it restores
 * a downscaled photo better than bicubic does (RGB PSNR, border scale + 6), inside and beyond its trained range.
 */
@DisplayName("The bundled default model")
class DefaultModelQualityTest {
    static DiifModel model;
    static Rgb8 photo;

    @BeforeAll
    static void load() throws Exception {
        model = DiifModel.builder().modelResource(Diif.DEFAULT_MODEL_RESOURCE).backend("java").build();
        photo = Rgb8.of(ImageIO.read(Path.of("samples/cat-eye.png").toFile()));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @ParameterizedTest(name = "×{0}")
    @ValueSource(ints = {2, 3, 4, 6, 12})
    @DisplayName("beats bicubic on the sample photo")
    void beatsBicubic(int scale) {
        Rgb8 truth = photo.centreCrop(photo.width() / scale * scale, photo.height() / scale * scale);
        EvalCommand.Trial trial = EvalCommand.trial(truth, scale,
                List.of(new EvalCommand.Method("bicubic", null), new EvalCommand.Method("DIIF", model)));
        double bicubic = Scores.of(truth, trial.outputs().get(0), scale).psnrRgb();
        double diif = Scores.of(truth, trial.outputs().get(1), scale).psnrRgb();
        assertTrue(diif > bicubic, "x" + scale + ": DIIF is " + (diif - bicubic) + " dB from bicubic");
    }
}
