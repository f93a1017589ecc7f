package io.diif.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Configs and tensor layouts of the model zoo: the RDN encoder, the LTE and DLTE decoders. */
class ModelZooTest {
    private static final String EDSR = "{\"type\":\"edsr-baseline\",\"n_resblocks\":16,\"n_feats\":64}";
    /** RDN config "B", the official setting (zoo §1). */
    private static final String RDN = "{\"type\":\"rdn\",\"G0\":64,\"D\":16,\"C\":8,\"G\":64,\"kernel\":3}";
    private static final String DIIF_B4 = "{\"type\":\"diif\",\"coarse_hidden\":[256,256],\"fine_hidden\":[256,256],"
            + "\"ensemble_block\":4}";
    private static final String DIIF_B2 = DIIF_B4.replace("4}", "2}");
    private static final String LTE = "{\"type\":\"lte\",\"hidden_dim\":256,\"hidden\":[256,256,256],\"max_scale\":4.0}";
    private static final String DLTE = "{\"type\":\"dlte\",\"hidden_dim\":256,\"coarse_hidden\":[256,256],"
            + "\"fine_hidden\":[256,256],\"slicing\":\"row\",\"slice_ensemble\":true,\"coarse_cell\":true,"
            + "\"fine_cell\":false,\"max_scale\":null}";
    private static final String LIIF = "{\"type\":\"liif\",\"hidden\":[256,256,256,256]}";

    private static ModelConfig config(String encoder, String decoder) {
        return ModelConfig.parse("{\"format\":1,\"encoder\":" + encoder + ",\"decoder\":" + decoder + "}", "test");
    }

    @Test
    @DisplayName("the paper's models at their real sizes have the paper's parameter counts")
    void paperParameterCounts() {
        // Learnable parameters (DIIF paper Table 1 and algorithm §5: 1.683M, 22.437M).
        assertEquals(1_683_011, TensorLayout.parameterCount(config(EDSR, DIIF_B4)));
        assertEquals(22_436_547, TensorLayout.parameterCount(config(RDN, DIIF_B4)));
        // All module parameters, EDSR's frozen mean shifts included: how zoo §6 counts (1.714M, 1.559M).
        assertEquals(1_714_267, TensorLayout.moduleParameterCount(config(EDSR, LTE)));
        assertEquals(1_559_003, TensorLayout.moduleParameterCount(config(EDSR, DLTE)));
        // The other counts zoo §6 gives.
        assertEquals(22_467_779, TensorLayout.moduleParameterCount(config(RDN, LTE)));
        assertEquals(22_312_515, TensorLayout.moduleParameterCount(config(RDN, DLTE)));
        assertEquals(22_320_835, TensorLayout.moduleParameterCount(config(RDN, LIIF)));
        assertEquals(1_486_427, TensorLayout.moduleParameterCount(config(EDSR, DIIF_B2)));
        assertEquals(22_239_939, TensorLayout.moduleParameterCount(config(RDN, DIIF_B2)));
    }

    @Test
    @DisplayName("the two counts differ exactly by EDSR's two 3x3x1x1 mean shifts with bias")
    void meanShiftsAreTheOnlyDifference() {
        for (String decoder : new String[] {DIIF_B4, LTE, DLTE, LIIF}) {
            assertEquals(2 * (9 + 3), TensorLayout.moduleParameterCount(config(EDSR, decoder))
                    - TensorLayout.parameterCount(config(EDSR, decoder)), decoder);
            assertEquals(TensorLayout.parameterCount(config(RDN, decoder)),
                    TensorLayout.moduleParameterCount(config(RDN, decoder)), decoder);
        }
    }

    @Test
    @DisplayName("zoo configs are read with their fields and defaults")
    void readsZooConfigs() {
        ModelConfig.Rdn rdn = (ModelConfig.Rdn) config(RDN, LTE).encoder();
        assertEquals(new ModelConfig.Rdn(64, 16, 8, 64, 3), rdn);
        assertEquals(64, rdn.features());
        ModelConfig.Lte lte = (ModelConfig.Lte) config(EDSR, LTE).decoder();
        assertEquals(256, lte.hiddenDim());
        assertEquals(4.0, lte.maxScale());
        assertEquals(4.0, ((ModelConfig.Lte) config(EDSR, LTE.replace(",\"max_scale\":4.0", "")).decoder()).maxScale());
        ModelConfig.Dlte dlte = (ModelConfig.Dlte) config(EDSR, DLTE).decoder();
        assertTrue(Double.isNaN(dlte.maxScale()), "null: never clamp");
        assertEquals(ModelConfig.Slicing.ROW, dlte.slicing());
        assertTrue(Double.isNaN(((ModelConfig.Dlte) config(EDSR, DLTE.replace(",\"max_scale\":null", ""))
                .decoder()).maxScale()), "DLTE's code default: never clamp");
        assertEquals(6.0, ((ModelConfig.Dlte) config(EDSR, DLTE.replace("null", "6.0")).decoder()).maxScale());
        assertTrue(config(EDSR, DLTE.replace("}", ",\"ensemble_block\":2}")).decoder() instanceof ModelConfig.Dlte,
                "ensemble_block 2, as the golden DLTE file states it, is accepted");
        ModelConfig.Rdn defaultKernel = (ModelConfig.Rdn) config(RDN.replace(",\"kernel\":3", ""), LTE).encoder();
        assertEquals(3, defaultKernel.kernel());
    }

    @Test
    @DisplayName("unsupported zoo settings are refused, naming the field")
    void rejectsUnsupportedSettings() {
        rejects(RDN.replace("\"D\":16,", ""), LTE, "\"D\"", "missing");
        rejects(RDN.replace("\"G\":64", "\"G\":0"), LTE, "\"G\"");
        rejects(RDN.replace("\"kernel\":3", "\"kernel\":4"), LTE, "kernel 4");
        rejects(RDN.replace("\"C\":8", "\"C\":512"), LTE, "D x C", "dense layers");
        rejects(RDN.replace("}", ",\"scale\":2}"), LTE, "scale");
        rejects(EDSR, LTE.replace("\"hidden_dim\":256", "\"hidden_dim\":255"), "hidden_dim 255");
        rejects(EDSR, LTE.replace("\"hidden\":[256,256,256],", ""), "\"hidden\"", "missing");
        rejects(EDSR, LTE.replace("4.0", "-1"), "max_scale");
        rejects(EDSR, LTE.replace("}", ",\"local_ensemble\":true}"), "local_ensemble");
        rejects(EDSR, DLTE.replace("\"hidden_dim\":256", "\"hidden_dim\":258"), "hidden_dim 258", "divisible by 4");
        rejects(EDSR, DLTE.replace("\"row\"", "\"group\""), "slicing", "group");
        rejects(EDSR, DLTE.replace("\"slice_ensemble\":true", "\"slice_ensemble\":false"), "slice_ensemble");
        rejects(EDSR, DLTE.replace("\"coarse_cell\":true", "\"coarse_cell\":false"), "coarse_cell");
        rejects(EDSR, DLTE.replace("\"fine_cell\":false", "\"fine_cell\":true"), "fine_cell");
        rejects(EDSR, DLTE.replace("}", ",\"ensemble_block\":4}"), "ensemble_block 4");
        rejects(EDSR, DLTE.replace("\"fine_hidden\":[256,256],", ""), "\"fine_hidden\"", "missing");
        rejects(EDSR, DLTE.replace("dlte", "mlte"), "mlte", "dlte, liif, lte");
    }

    @Test
    @DisplayName("the zoo's tensor names and shapes follow the reference state dicts")
    void tensorLayout() {
        Map<String, int[]> rdn = TensorLayout.expected(config(
                "{\"type\":\"rdn\",\"G0\":16,\"D\":3,\"C\":3,\"G\":16,\"kernel\":5}", DIIF_B2));
        assertEquals("[16, 3, 5, 5]", Arrays.toString(rdn.get("encoder.SFENet1.weight")));
        assertEquals("[16, 48, 3, 3]", Arrays.toString(rdn.get("encoder.RDBs.2.convs.2.conv.0.weight")));
        assertEquals("[16, 64, 1, 1]", Arrays.toString(rdn.get("encoder.RDBs.0.LFF.weight")));
        assertEquals("[16, 48, 1, 1]", Arrays.toString(rdn.get("encoder.GFF.0.weight")));
        assertEquals("[16, 16, 5, 5]", Arrays.toString(rdn.get("encoder.GFF.1.weight")));
        assertEquals("[256, 70]", Arrays.toString(rdn.get("imnet.layers.0.weight")));
        Map<String, int[]> lte = TensorLayout.expected(config(EDSR, LTE));
        assertEquals("[256, 64, 3, 3]", Arrays.toString(lte.get("coef.weight")));
        assertEquals("[128, 2]", Arrays.toString(lte.get("phase.weight")));
        assertTrue(!lte.containsKey("phase.bias"), "the phase map has no bias");
        assertEquals("[3, 256]", Arrays.toString(lte.get("imnet.layers.6.weight")));
        Map<String, int[]> dlte = TensorLayout.expected(config(EDSR, DLTE));
        assertEquals("[64, 64, 3, 3]", Arrays.toString(dlte.get("freq.weight")));
        assertEquals("[128, 2]", Arrays.toString(dlte.get("imnet.phase.weight")));
        assertEquals("[256, 256]", Arrays.toString(dlte.get("imnet.layers.0.weight")));
        assertEquals("[256, 258]", Arrays.toString(dlte.get("imnet.tail.0.weight")));
    }

    private static void rejects(String encoder, String decoder, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> config(encoder, decoder));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }
}
