package io.diif.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

    private static ModelFile parse(byte[] bytes) {
        return ModelFile.of(Safetensors.parse(bytes, "test.safetensors"), "test.safetensors");
    }

    private static void rejects(byte[] bytes, String... fragments) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> parse(bytes));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    @Test
    @DisplayName("a complete model is read with its config and exact parameter count")
    void readsValidModel(@TempDir Path dir) throws Exception {
        byte[] bytes = SafetensorsBuilder.tinyDiif().build();
        ModelFile m = parse(bytes);
        assertEquals("tiny", m.config().name());
        assertTrue(m.config().decoder() instanceof ModelConfig.Diif);
        assertEquals(4 * 27 + 4 + 3 * (144 + 4) + 8 * 22 + 8 + 72 + 8 * 10 + 8 + 72 + 3 * 8 + 3, m.parameterCount());
        Path file = dir.resolve("m.safetensors");
        Files.write(file, bytes);
        assertEquals(m.parameterCount(), ModelFile.read(file).parameterCount());
        assertEquals(m.parameterCount(), ModelFile.read(new ByteArrayInputStream(bytes), "s").parameterCount());
    }

    @Test
    @DisplayName("missing, unexpected and misshapen tensors are named")
    void tensorRules() {
        rejects(SafetensorsBuilder.tinyDiif().remove("imnet.tail.4.bias").build(), "imnet.tail.4.bias", "missing");
        rejects(SafetensorsBuilder.tinyDiif().tensor("imnet.extra.weight", new int[] {2}, 0f).build(),
                "imnet.extra.weight", "unexpected");
        rejects(SafetensorsBuilder.tinyDiif().tensor("imnet.layers.0.weight", new int[] {8, 21}, 0f).build(),
                "imnet.layers.0.weight", "[8, 21]", "[8, 22]");
        rejects(SafetensorsBuilder.tinyDiif().set("imnet.tail.2.weight", 5, Float.NaN).build(), "imnet.tail.2.weight",
                "non-finite");
        // EDSR's unused mean-shift tensors are accepted and ignored.
        ModelFile m = parse(SafetensorsBuilder.tinyDiif().tensor("encoder.sub_mean.weight", new int[] {3, 3, 1, 1}, 0f)
                .build());
        assertTrue(!m.parameters().containsKey("encoder.sub_mean.weight"));
    }

    @Test
    @DisplayName("configs with unknown types, fields or out-of-range sizes are refused, naming the field")
    void configRules() {
        String good = "{\"format\":1,\"encoder\":{\"type\":\"edsr-baseline\",\"n_resblocks\":1,\"n_feats\":4},"
                + "\"decoder\":{\"type\":\"diif\",\"coarse_hidden\":[8,8],\"fine_hidden\":[8,8]}}";
        assertEquals(2, ModelConfig.parse(good, "x").decoder() instanceof ModelConfig.Diif d ? d.ensembleBlock() : 0);
        assertThrows(ModelFormatException.class, () -> ModelConfig.parse(good.replace("edsr-baseline", "vgg"), "x"));
        assertTrue(assertThrows(ModelFormatException.class,
                () -> ModelConfig.parse(good.replace("\"n_feats\":4", "\"n_feats\":-4"), "x")).getMessage()
                .contains("n_feats"));
        assertTrue(assertThrows(ModelFormatException.class,
                () -> ModelConfig.parse(good.replace("\"n_feats\":4", "\"n_feats\":4,\"bogus\":1"), "x")).getMessage()
                .contains("bogus"));
        assertTrue(assertThrows(ModelFormatException.class,
                () -> ModelConfig.parse(good.replace("[8,8]}", "[8,8],\"slicing\":\"diagonal\"}"), "x")).getMessage()
                .contains("diagonal"));
        assertTrue(assertThrows(ModelFormatException.class,
                () -> ModelConfig.parse(good.replace("[8,8]}", "[8,8],\"ensemble_block\":3}"), "x")).getMessage()
                .contains("ensemble_block"));
        assertTrue(assertThrows(ModelFormatException.class,
                () -> ModelConfig.parse(good.replace("[8,8]}", "[8,8],\"fine_cell\":true}"), "x")).getMessage()
                .contains("fine_cell"));
        assertThrows(ModelFormatException.class, () -> ModelConfig.parse(good.replace("\"format\":1", "\"format\":2"), "x"));
        assertThrows(ModelFormatException.class, () -> ModelConfig.parse("[1,2]", "x"));
        assertThrows(ModelFormatException.class, () -> ModelConfig.parse("{\"format\":1", "x"));
        rejects(new SafetensorsBuilder().tensor("a", new int[] {1}, 0f).build(), "no \"diif\" config");
    }

    @Test
    @DisplayName("corrupt safetensors layouts are refused before tensor memory is allocated")
    void layoutRules() {
        byte[] good = SafetensorsBuilder.tinyDiif().build();
        rejects(Arrays.copyOf(good, 5), "too short");
        rejects(Arrays.copyOf(good, good.length - 4), "past the data section");
        byte[] absurd = good.clone();
        ByteBuffer.wrap(absurd).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        rejects(absurd, "header length");
        byte[] negative = good.clone();
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        rejects(negative, "header length", "18446744073709551615");
        SafetensorsBuilder b = new SafetensorsBuilder().tensor("a", new int[] {2}, 1f).tensor("b", new int[] {2}, 1f);
        rejects(b.withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}"), "overlap");
        rejects(b.withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}"), "reversed");
        rejects(b.withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}"), "do not match");
        rejects(b.withHeader("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}"), "I64");
        rejects(b.withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{}}"), "duplicate");
        rejects(b.withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2000000000,2000000000],\"data_offsets\":[0,8]}}"),
                "needs more bytes");
        rejects(b.withHeader("not json at all"), "invalid JSON");
        rejects(b.withHeader("[" .repeat(100) + "]".repeat(100)), "nesting");
    }

    @Test
    @DisplayName("F16 and BF16 tensors are widened to float32")
    void halfPrecision() {
        assertEquals(1.0f, Safetensors.halfToFloat((short) 0x3c00));
        assertEquals(-2.0f, Safetensors.halfToFloat((short) 0xc000));
        assertEquals(65504f, Safetensors.halfToFloat((short) 0x7bff));
        assertEquals(5.9604645e-8f, Safetensors.halfToFloat((short) 0x0001));
        byte[] file = new SafetensorsBuilder().withHeader(
                "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]}}");
        byte[] withData = Arrays.copyOf(file, file.length + 8);
        ByteBuffer.wrap(withData, file.length, 8).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3c00)
                .putShort((short) 0x3800).putShort((short) 0x3f80).putShort((short) 0xc040);
        Safetensors s = Safetensors.parse(withData, "half");
        assertEquals(1.0f, s.tensors().get("h").values()[0]);
        assertEquals(0.5f, s.tensors().get("h").values()[1]);
        assertEquals(1.0f, s.tensors().get("b").values()[0]);
        assertEquals(-3.0f, s.tensors().get("b").values()[1]);
        assertEquals("BF16", s.dtypes().get("b"));
    }
}
