package io.diif.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Configs, tensor layouts and paper-size parameter counts of DIIF w/o slice ensemble, c4+f3, c2+f5 and fixed-scale EDSR. */
class AblationAndFixedScaleConfigTest {
    private static final String EDSR = "{\"type\":\"edsr-baseline\",\"n_resblocks\":16,\"n_feats\":64,\"res_scale\":1.0}";
    private static final String WO_SE = "{\"type\":\"diif\",\"coarse_hidden\":[256,256],\"fine_hidden\":[256,256],"
            + "\"slicing\":\"row\",\"slice_ensemble\":false,\"coarse_cell\":true,\"fine_cell\":false,\"max_scale\":4.0}";
    private static final String C4F3 = "{\"type\":\"diif\",\"coarse_hidden\":[256,256,256,256],\"fine_hidden\":[256,256],"
            + "\"ensemble_block\":4}";
    private static final String C2F5 = "{\"type\":\"diif\",\"coarse_hidden\":[256,256],"
            + "\"fine_hidden\":[256,256,256,256],\"ensemble_block\":4}";
    private static final String NONE = "{\"type\":\"none\"}";

    private static String edsr(int scale) {
        return EDSR.replace("}", ",\"upsampler\":{\"scale\":" + scale + "}}");
    }

    private static ModelConfig config(String encoder, String decoder) {
        return ModelConfig.parse("{\"format\":1,\"encoder\":" + encoder + ",\"decoder\":" + decoder + "}", "test");
    }

    @Test
    @DisplayName("paper sizes give the counts of baselines §6 (learnable, with mean shifts, decoder alone)")
    void paperParameterCounts() {
        ModelConfig woSe = config(EDSR, WO_SE);
        assertEquals(1_568_323, TensorLayout.parameterCount(woSe));
        assertEquals(1_568_347, TensorLayout.moduleParameterCount(woSe));
        assertEquals(347_907, TensorLayout.decoderParameterCount(woSe), "Table 4's 356K = 347,907 x 1.024");
        int[] edsr = {0, 0, 1_369_859, 1_554_499, 1_517_571};
        for (int s = 2; s <= 4; s++) {
            ModelConfig c = config(edsr(s), NONE);
            assertEquals(edsr[s], TensorLayout.parameterCount(c), "x" + s);
            assertEquals(edsr[s] + 24, TensorLayout.moduleParameterCount(c), "x" + s);
            assertEquals(0, TensorLayout.decoderParameterCount(c), "x" + s + ": the upsampler is the encoder's");
        }
        for (String deeper : new String[] {C4F3, C2F5}) {
            ModelConfig c = config(EDSR, deeper);
            assertEquals(1_814_595, TensorLayout.parameterCount(c), deeper);
            assertEquals(1_814_619, TensorLayout.moduleParameterCount(c), deeper);
            assertEquals(594_179, TensorLayout.decoderParameterCount(c), deeper);
        }
        // The decoder counts algorithm §6 quotes for the existing decoders (Tables 3 and 4 over 1.024).
        assertEquals(462_595, TensorLayout.decoderParameterCount(config(EDSR, C4F3.replace("256,256,256,256],\"fine",
                "256,256],\"fine"))));
        assertEquals(346_883, TensorLayout.decoderParameterCount(config(EDSR,
                "{\"type\":\"liif\",\"hidden\":[256,256,256,256]}")));
    }

    @Test
    @DisplayName("DIIF w/o slice ensemble reads a 3x3 unfold per latent; fixed-scale EDSR has its tail convs")
    void readsConfigsAndLayouts() {
        ModelConfig.Diif d = (ModelConfig.Diif) config(EDSR, WO_SE).decoder();
        assertFalse(d.sliceEnsemble());
        assertEquals(3, d.ensembleBlock());
        assertEquals(ModelConfig.Slicing.ROW, d.slicing());
        assertEquals(4.0, d.maxScale());
        assertTrue(((ModelConfig.Diif) config(EDSR, C4F3).decoder()).sliceEnsemble());
        assertEquals(ModelConfig.Slicing.GROUP, ((ModelConfig.Diif) config(EDSR,
                WO_SE.replace("\"row\"", "\"group\"")).decoder()).slicing());
        Map<String, int[]> woSe = TensorLayout.expected(config(EDSR, WO_SE));
        assertEquals("[256, 582]", Arrays.toString(woSe.get("imnet.layers.0.weight")));
        assertEquals("[256, 258]", Arrays.toString(woSe.get("imnet.tail.0.weight")));

        ModelConfig x4 = config(edsr(4), NONE);
        assertEquals(4, ((ModelConfig.EdsrBaseline) x4.encoder()).upsampleScale());
        assertEquals("none", x4.decoder().type());
        Map<String, int[]> t4 = TensorLayout.expected(x4);
        assertEquals("[256, 64, 3, 3]", Arrays.toString(t4.get("encoder.tail.0.0.weight")));
        assertEquals("[256, 64, 3, 3]", Arrays.toString(t4.get("encoder.tail.0.2.weight")));
        assertEquals("[3, 64, 3, 3]", Arrays.toString(t4.get("encoder.tail.1.weight")));
        Map<String, int[]> t3 = TensorLayout.expected(config(edsr(3), NONE));
        assertEquals("[576, 64, 3, 3]", Arrays.toString(t3.get("encoder.tail.0.0.weight")));
        assertFalse(t3.containsKey("encoder.tail.0.2.weight"));
        assertFalse(TensorLayout.expected(config(EDSR, WO_SE)).containsKey("encoder.tail.1.weight"));
    }

    @Test
    @DisplayName("combinations the reference does not run are refused, naming the field")
    void rejectsUnsupportedSettings() {
        rejects(EDSR, WO_SE.replace("}", ",\"ensemble_block\":4}"), "ensemble_block", "slice_ensemble = false");
        rejects(EDSR, WO_SE.replace("}", ",\"ensemble_block\":3}"), "ensemble_block");
        rejects(EDSR, WO_SE.replace("\"coarse_cell\":true", "\"coarse_cell\":false"), "coarse_cell");
        rejects(EDSR, WO_SE.replace("\"fine_cell\":false", "\"fine_cell\":true"), "fine_cell");
        rejects(EDSR, WO_SE.replace("\"slice_ensemble\":false", "\"slice_ensemble\":0"), "slice_ensemble",
                "true or false");
        rejects(EDSR, WO_SE.replace("\"row\"", "\"diagonal\""), "diagonal");
        rejects(edsr(2), WO_SE, "upsampler", "\"none\"", "diif");
        rejects(EDSR, NONE, "none", "upsampler");
        rejects(edsr(5), NONE, "scale", "5");
        rejects(edsr(1), NONE, "scale", "1");
        rejects(EDSR.replace("}", ",\"upsampler\":{\"scale\":2,\"mode\":\"nearest\"}}"), NONE, "mode");
        rejects(EDSR.replace("}", ",\"upsampler\":2}"), NONE, "upsampler", "object");
        rejects(edsr(2), "{\"type\":\"none\",\"hidden\":[3]}", "hidden");
        rejects("{\"type\":\"rdn\",\"G0\":64,\"D\":16,\"C\":8,\"G\":64,\"upsampler\":{\"scale\":2}}", NONE,
                "upsampler");
    }

    private static void rejects(String encoder, String decoder, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> config(encoder, decoder));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }
}
