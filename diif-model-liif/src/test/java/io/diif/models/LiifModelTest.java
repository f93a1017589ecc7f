package io.diif.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.DiifModel;
import io.diif.ImageRepresentation;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LiifModelTest {
    /** The resource name the CLI's bare --liif-model and the docs promise. */
    static final String RESOURCE = "io/diif/models/liif.safetensors";

    private static ModelFile bundled() throws IOException {
        try (InputStream in = LiifModelTest.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            assertNotNull(in, RESOURCE + " is not on the class path");
            return ModelFile.read(in, RESOURCE);
        }
    }

    @Test
    @DisplayName("The bundled model is the paper's EDSR-baseline-LIIF baseline")
    void isThePapersBaseline() throws IOException {
        ModelFile file = bundled();
        ModelConfig.Liif decoder = assertInstanceOf(ModelConfig.Liif.class, file.config().decoder());
        assertEquals(List.of(256, 256, 256, 256), decoder.hidden());
        assertInstanceOf(ModelConfig.EdsrBaseline.class, file.config().encoder());
        assertEquals(1_567_299L, file.parameterCount());
        assertEquals("F32", file.storedDtypes().values().stream().distinct().reduce((a, b) -> a + "," + b).orElseThrow());
    }

    @Test
    @DisplayName("It was trained on the same data and recipe as the default DIIF, and its file says so")
    void recordsTheDiifRecipe() throws IOException {
        Map<String, Object> t = bundled().training();
        assertEquals(12_504L, ((Number) t.get("steps")).longValue(), "the default model's step budget");
        Map<?, ?> recipe = assertInstanceOf(Map.class, t.get("recipe"));
        assertEquals(8, ((Number) recipe.get("batch")).intValue());
        assertEquals(12_504, ((Number) recipe.get("schedule_steps")).intValue());
        assertEquals(List.of(1.0, 4.0), ((List<?>) recipe.get("scale_range")).stream()
                .map(v -> ((Number) v).doubleValue()).toList());
        Map<?, ?> data = assertInstanceOf(Map.class, t.get("data"));
        assertEquals(111, ((Number) data.get("photos")).intValue());
        List<?> sessions = assertInstanceOf(List.class, t.get("sessions"));
        for (Object s : sessions) {
            Map<?, ?> session = assertInstanceOf(Map.class, s);
            assertInstanceOf(List.class, session.get("argv"), "every run's arguments: " + session);
            assertInstanceOf(String.class, session.get("when"));
            assertInstanceOf(String.class, session.get("device"));
        }
        double loss = ((Number) t.get("final_loss")).doubleValue();
        assertTrue(loss > 0 && loss < 0.1, "final loss " + loss);
    }

    @Test
    @DisplayName("It loads by its resource name and renders")
    void rendersFromTheClassPath() {
        try (DiifModel model = DiifModel.builder().modelResource(RESOURCE).backend("java").build();
             ImageRepresentation rep = model.encode(new float[3 * 6 * 5], 6, 5)) {
            assertEquals(3, rep.sample(15, 12, 7.5, 6.0).length);
        }
    }
}
