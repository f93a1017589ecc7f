package io.diif.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Configs, tensor layouts, parameter counts and reference costs of MetaSR and LM-LIIF (baselines §1, §5, §6, §9). */
class MetaSrLmLiifConfigTest {
    private static final String EDSR = "{\"type\":\"edsr-baseline\",\"n_resblocks\":16,\"n_feats\":64}";
    private static final String METASR = "{\"type\":\"metasr\",\"hidden\":[256]}";
    private static final String LMLIIF = "{\"type\":\"lmliif\",\"hypernet_hidden\":[208],\"hidden_dim\":16,"
            + "\"hidden_depth\":6,\"mod_scale\":true,\"mod_shift\":true,\"mod_input\":true,\"max_scale\":4.0}";

    private static ModelConfig config(String encoder, String decoder) {
        return ModelConfig.parse("{\"format\":1,\"encoder\":" + encoder + ",\"decoder\":" + decoder + "}", "test");
    }

    /** Scalars of the tensors outside the encoder. */
    private static long decoderParameters(ModelConfig c) {
        return TensorLayout.expected(c).entrySet().stream().filter(e -> !e.getKey().startsWith("encoder."))
                .mapToLong(e -> Arrays.stream(e.getValue()).asLongStream().reduce(1, (a, b) -> a * b)).sum();
    }

    @Test
    @DisplayName("at the paper's sizes the parameter counts are the spec's (MetaSR: Table 1's 1.666M)")
    void paperParameterCounts() {
        ModelConfig metaSr = config(EDSR, METASR);
        assertEquals(1_665_536, TensorLayout.parameterCount(metaSr));
        assertEquals(1_665_560, TensorLayout.moduleParameterCount(metaSr), "+24: EDSR's frozen mean shifts");
        assertEquals(445_120, decoderParameters(metaSr));
        ModelConfig lmLiif = config(EDSR, LMLIIF);
        assertEquals(1_386_067, TensorLayout.parameterCount(lmLiif));
        assertEquals(1_386_091, TensorLayout.moduleParameterCount(lmLiif));
        assertEquals(165_651, decoderParameters(lmLiif));
    }

    @Test
    @DisplayName("the reference computations' multiply-accumulates per output pixel are the spec's (§9)")
    void referenceMacs() {
        ModelConfig.MetaSr metaSr = (ModelConfig.MetaSr) config(EDSR, METASR).decoder();
        assertEquals(3 * 256 + 256 * 1728 + 576 * 3, metaSr.referenceMacsPerPixel(64));
        assertEquals(444_864, metaSr.referenceMacsPerPixel(64));
        ModelConfig.LmLiif lmLiif = (ModelConfig.LmLiif) config(EDSR, LMLIIF).decoder();
        double render = 4 * (20 * 16 + 5 * 16 * 16 + 16 * 3) + 4 * 6 * 16;
        assertEquals(6_592 + 384, render);
        assertEquals(render + 163_488.0 / 16, lmLiif.referenceMacsPerPixel(64, 4), 1e-9);
        assertEquals(render + 163_488.0 / 144, lmLiif.referenceMacsPerPixel(64, 12), 1e-9);
    }

    @Test
    @DisplayName("the configs are read with every field; max_scale defaults to 4 and null means no clip")
    void readsConfigs() {
        assertEquals(new ModelConfig.MetaSr(List.of(256)), config(EDSR, METASR).decoder());
        assertEquals(new ModelConfig.MetaSr(List.of(64, 32)),
                config(EDSR, METASR.replace("[256]", "[64,32]")).decoder());
        ModelConfig.LmLiif l = (ModelConfig.LmLiif) config(EDSR, LMLIIF).decoder();
        assertEquals(new ModelConfig.LmLiif(List.of(208), 16, 6, 4.0), l);
        assertEquals(208, l.modulations());
        ModelConfig.LmLiif lte8 = (ModelConfig.LmLiif) config(EDSR, LMLIIF.replace("\"hidden_depth\":6",
                "\"hidden_depth\":8").replace(",\"max_scale\":4.0", "")).decoder();
        assertEquals(8, lte8.hiddenDepth(), "the depth is read, not assumed (LM-LTE uses 8)");
        assertEquals(2 * 16 * 8 + 16, lte8.modulations());
        assertEquals(4.0, lte8.maxScale());
        assertTrue(Double.isNaN(((ModelConfig.LmLiif) config(EDSR, LMLIIF.replace("4.0", "null")).decoder())
                .maxScale()));
    }

    @Test
    @DisplayName("other settings are refused, naming the field")
    void rejectsUnsupportedSettings() {
        rejects(METASR.replace(",\"hidden\":[256]", ""), "\"hidden\"", "missing");
        rejects(METASR.replace("[256]", "[]"), "\"hidden\"");
        rejects(METASR.replace("}", ",\"max_scale\":4.0}"), "max_scale");
        rejects(METASR.replace("}", ",\"local_ensemble\":true}"), "local_ensemble");
        for (String flag : List.of("mod_scale", "mod_shift", "mod_input")) {
            rejects(LMLIIF.replace("\"" + flag + "\":true", "\"" + flag + "\":false"), flag + " = false");
            rejects(LMLIIF.replace(",\"" + flag + "\":true", ""), flag, "missing");
            rejects(LMLIIF.replace("\"" + flag + "\":true", "\"" + flag + "\":1"), flag, "true or false");
        }
        rejects(LMLIIF.replace(",\"hidden_depth\":6", ""), "hidden_depth", "missing");
        rejects(LMLIIF.replace("\"hidden_depth\":6", "\"hidden_depth\":0"), "hidden_depth");
        rejects(LMLIIF.replace("\"hidden_dim\":16", "\"hidden_dim\":0"), "hidden_dim");
        rejects(LMLIIF.replace("\"hypernet_hidden\":[208],", ""), "hypernet_hidden", "missing");
        rejects(LMLIIF.replace("4.0", "0"), "max_scale");
        rejects(LMLIIF.replace("}", ",\"cmsr\":true}"), "cmsr");
        rejects(LMLIIF.replace("}", ",\"local_ensemble\":true}"), "local_ensemble");
    }

    @Test
    @DisplayName("the tensor names and shapes are those of the reference state dicts")
    void tensorLayout() {
        Map<String, int[]> m = TensorLayout.expected(config(EDSR, METASR.replace("[256]", "[48,32]")));
        assertEquals("[48, 3]", Arrays.toString(m.get("imnet.layers.0.weight")));
        assertEquals("[32, 48]", Arrays.toString(m.get("imnet.layers.2.weight")));
        assertEquals("[1728, 32]", Arrays.toString(m.get("imnet.layers.4.weight")));
        assertEquals("[1728]", Arrays.toString(m.get("imnet.layers.4.bias")));
        Map<String, int[]> l = TensorLayout.expected(config(EDSR, LMLIIF));
        assertEquals("[208, 578]", Arrays.toString(l.get("hypernet.layers.0.weight")));
        assertEquals("[208, 208]", Arrays.toString(l.get("hypernet.layers.2.weight")));
        assertEquals("[16, 20]", Arrays.toString(l.get("imnet.layers.0.weight")));
        assertEquals("[16, 16]", Arrays.toString(l.get("imnet.layers.10.weight")));
        assertEquals("[3, 16]", Arrays.toString(l.get("imnet.layers.12.weight")));
        assertTrue(!l.containsKey("imnet.layers.14.weight"));
        Map<String, int[]> deep = TensorLayout.expected(config(EDSR, LMLIIF.replace("\"hidden_depth\":6",
                "\"hidden_depth\":8")));
        assertEquals("[272, 208]", Arrays.toString(deep.get("hypernet.layers.2.weight")));
        assertEquals("[3, 16]", Arrays.toString(deep.get("imnet.layers.16.weight")));
    }

    private static void rejects(String decoder, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> config(EDSR, decoder));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }
}
