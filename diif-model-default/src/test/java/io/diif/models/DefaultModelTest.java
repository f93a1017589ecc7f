package io.diif.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.Diif;
import io.diif.DiifModel;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DefaultModelTest {

    private static ModelFile bundled() throws IOException {
        try (InputStream in = DefaultModelTest.class.getClassLoader().getResourceAsStream(Diif.DEFAULT_MODEL_RESOURCE)) {
            assertNotNull(in, Diif.DEFAULT_MODEL_RESOURCE + " is not on the class path");
            return ModelFile.read(in, Diif.DEFAULT_MODEL_RESOURCE);
        }
    }

    @Test
    @DisplayName("The bundled model is the paper's EDSR-baseline-DIIF with 4x4 ensemble blocks")
    void isThePapersFinalModel() throws IOException {
        ModelFile file = bundled();
        ModelConfig.Diif decoder = assertInstanceOf(ModelConfig.Diif.class, file.config().decoder());
        assertEquals(4, decoder.ensembleBlock());
        assertInstanceOf(ModelConfig.EdsrBaseline.class, file.config().encoder());
        assertEquals(1_683_011L, file.parameterCount());
        assertEquals("F32", file.storedDtypes().values().stream().distinct().reduce((a, b) -> a + "," + b).orElseThrow());
    }

    @Test
    @DisplayName("Its file records how it was trained: data, steps, recipe, date and final loss")
    void recordsItsTraining() throws IOException {
        Map<String, Object> t = bundled().training();
        assertTrue(((Number) t.get("steps")).longValue() > 0, "steps: " + t.get("steps"));
        Map<?, ?> data = assertInstanceOf(Map.class, t.get("data"));
        assertTrue(((Number) data.get("photos")).longValue() > 0, "photos: " + data);
        assertInstanceOf(Map.class, t.get("recipe"));
        assertInstanceOf(String.class, t.get("date"));
        double loss = ((Number) t.get("final_loss")).doubleValue();
        assertTrue(loss > 0 && loss < 0.1, "final loss " + loss);
    }

    @Test
    @DisplayName("Diif.upscale uses it without a model file")
    void upscalesWithoutAModelFile() {
        BufferedImage in = new BufferedImage(9, 7, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 7; y++) {
            for (int x = 0; x < 9; x++) {
                in.setRGB(x, y, (x * 28) << 16 | (y * 36) << 8 | 128);
            }
        }
        BufferedImage out = Diif.upscale(in, 2.5);
        assertEquals(22, out.getWidth()); // rint(22.5) = 22: halves round to even, as render(scale) documents
        assertEquals(18, out.getHeight());
        DiifModel model = Diif.defaultModel();
        assertEquals("java", model.backendName());
    }
}
