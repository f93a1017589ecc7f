package io.diif.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.model.ModelFile;
import io.diif.model.ModelFormatException;
import io.diif.model.Safetensors;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile model files: each broken rule is refused with a {@link ModelFormatException} that names the
 * file, the tensor or field, and the rule — through every way a model is read (bytes, file, stream).
 */
@DisplayName("hostile model files")
class HostileModelFilesTest {
    private static final String NAME = "hostile.safetensors";

    @TempDir
    static Path dir;

    /** One hostile file and the fragments its error message must contain (besides the file name). */
    record Case(String description, byte[] bytes, String... fragments) {
    }

    /** The three ways a model is read; each must refuse every case the same way. */
    enum Reader {
        BYTES {
            @Override
            ModelFile read(byte[] bytes, String name) {
                return ModelFile.of(Safetensors.parse(bytes, name), name);
            }
        },
        FILE {
            @Override
            ModelFile read(byte[] bytes, String name) throws IOException {
                Path p = dir.resolve(name);
                Files.write(p, bytes);
                try {
                    return ModelFile.read(p);
                } finally {
                    Files.delete(p);
                }
            }
        },
        STREAM {
            @Override
            ModelFile read(byte[] bytes, String name) throws IOException {
                // Trickles: a network stream gives a few bytes per read.
                InputStream in = new ByteArrayInputStream(bytes) {
                    @Override
                    public synchronized int read(byte[] b, int off, int len) {
                        return super.read(b, off, Math.min(len, 7));
                    }
                };
                return ModelFile.read(in, name);
            }
        };

        abstract ModelFile read(byte[] bytes, String name) throws IOException;
    }

    static byte[] withLength(byte[] file, long headerLength) {
        byte[] b = file.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, headerLength);
        return b;
    }

    static String entry(String name, String dtype, String shape, long begin, long end) {
        return TinyModel.quote(name) + ":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":["
                + begin + "," + end + "]}";
    }

    /** A file with two F32 tensors a [2] and b [2] over 16 data bytes, behind {@code header}. */
    static byte[] twoTensors(String header) {
        return TinyModel.file(header.getBytes(StandardCharsets.UTF_8), new byte[16]);
    }

    static List<Case> layoutCases() {
        byte[] good = TinyModel.valid().build();
        int headerLen = TinyModel.valid().header().getBytes(StandardCharsets.UTF_8).length;
        String a = entry("a", "F32", "[2]", 0, 8);
        String b = entry("b", "F32", "[2]", 8, 16);
        List<Case> c = new ArrayList<>();
        c.add(new Case("empty file", new byte[0], "too short"));
        c.add(new Case("7 bytes", new byte[7], "too short"));
        c.add(new Case("truncated inside the header", Arrays.copyOf(good, 8 + headerLen / 2), "truncated"));
        c.add(new Case("truncated inside the data", Arrays.copyOf(good, good.length - 5), "past the data section"));
        c.add(new Case("truncated after the header", Arrays.copyOf(good, 8 + headerLen), "0-byte data section"));
        c.add(new Case("header length 2^63", withLength(good, Long.MIN_VALUE), "header length", "9223372036854775808"));
        c.add(new Case("header length 2^63 - 1", withLength(good, Long.MAX_VALUE), "header length"));
        c.add(new Case("header length 2^64 - 1", withLength(good, -1L), "header length", "18446744073709551615"));
        c.add(new Case("header length larger than the file", withLength(good, good.length), "truncated"));
        c.add(new Case("header length over the 16 MiB limit", withLength(good, (16L << 20) + 1), "header length",
                "limit"));
        c.add(new Case("header length 0", withLength(good, 0), "header length"));
        c.add(new Case("header that is not JSON", twoTensors("this is not json"), "header", "invalid JSON"));
        c.add(new Case("header that is not UTF-8", TinyModel.file(new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'},
                new byte[0]), "UTF-8"));
        c.add(new Case("header that is a JSON array", twoTensors("[1, 2, 3]"), "JSON object"));
        c.add(new Case("header that is a JSON string", twoTensors("\"model\""), "JSON object"));
        c.add(new Case("header with trailing characters", twoTensors("{" + a + "," + b + "} x"), "trailing"));
        c.add(new Case("header nested 200 deep", twoTensors("[".repeat(200) + "]".repeat(200)), "nesting"));
        c.add(new Case("unterminated header string", twoTensors("{\"a"), "invalid JSON"));
        c.add(new Case("number with leading zeros", twoTensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[02],"
                + "\"data_offsets\":[0,8]}}"), "bad number"));
        c.add(new Case("tensor entry that is a number", twoTensors("{\"a\":5}"), "tensor a", "must be an object"));
        c.add(new Case("tensor entry with an unknown field",
                twoTensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16],\"sha\":\"x\"}}"),
                "tensor a", "unknown field \"sha\""));
        c.add(new Case("dtype missing", twoTensors("{\"a\":{\"shape\":[4],\"data_offsets\":[0,16]}}"), "tensor a",
                "dtype"));
        for (String dtype : List.of("I64", "F64", "U8", "BOOL", "F8_E4M3", "Q4_0", "")) {
            c.add(new Case("unknown dtype '" + dtype + "'", twoTensors("{" + entry("a", dtype, "[4]", 0, 16) + "}"),
                    "tensor a", "dtype " + dtype + " is not supported"));
        }
        c.add(new Case("shape missing", twoTensors("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,16]}}"), "tensor a",
                "shape"));
        c.add(new Case("negative dimension", twoTensors("{" + entry("a", "F32", "[-4]", 0, 16) + "}"), "tensor a",
                "shape [-4]"));
        c.add(new Case("fractional dimension", twoTensors("{" + entry("a", "F32", "[2.5]", 0, 16) + "}"), "tensor a",
                "integers"));
        c.add(new Case("dimension 2^40", twoTensors("{" + entry("a", "F32", "[1099511627776]", 0, 16) + "}"),
                "tensor a", "integers"));
        c.add(new Case("dimension 2^70", twoTensors("{" + entry("a", "F32", "[1180591620717411303424]", 0, 16) + "}"),
                "tensor a", "integers"));
        c.add(new Case("zero dimension", twoTensors("{" + entry("a", "F32", "[0,4]", 0, 0) + "}"), "tensor a",
                "zero dimension"));
        c.add(new Case("rank 9", twoTensors("{" + entry("a", "F32", "[1,1,1,1,1,1,1,1,4]", 0, 16) + "}"),
                "tensor a", "rank 9"));
        c.add(new Case("shape needing 2^62 bytes", twoTensors("{" + entry("a", "F32", "[2147483647,2147483647]", 0, 16)
                + "}"), "tensor a", "needs more bytes"));
        c.add(new Case("data_offsets with one number",
                twoTensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[16]}}"), "tensor a",
                "data_offsets"));
        c.add(new Case("data_offsets as strings",
                twoTensors("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[\"0\",\"16\"]}}"), "tensor a",
                "data_offsets"));
        c.add(new Case("reversed data_offsets", twoTensors("{" + entry("a", "F32", "[2]", 8, 0) + "," + b + "}"),
                "tensor a", "reversed"));
        c.add(new Case("negative data_offsets", twoTensors("{" + entry("a", "F32", "[2]", -8, 0) + "," + b + "}"),
                "tensor a", "negative"));
        c.add(new Case("data_offsets past the data", twoTensors("{" + a + "," + entry("b", "F32", "[2]", 16, 24) + "}"),
                "tensor b", "past the data section"));
        c.add(new Case("data_offsets far past the data", twoTensors("{" + entry("a", "F32", "[2]", 1L << 40,
                (1L << 40) + 8) + "}"), "tensor a", "past the data section"));
        c.add(new Case("overlapping tensors", twoTensors("{" + entry("a", "F32", "[3]", 0, 12) + ","
                + entry("b", "F32", "[2]", 8, 16) + "}"), "tensor b", "overlap tensor a"));
        c.add(new Case("aliased tensors", twoTensors("{" + a + "," + entry("b", "F32", "[2]", 0, 8) + ","
                + entry("c", "F32", "[2]", 8, 16) + "}"), "overlap"));
        c.add(new Case("a gap between tensors", twoTensors("{" + a + "," + entry("b", "F32", "[1]", 12, 16) + "}"),
                "before tensor b", "gaps"));
        c.add(new Case("bytes after the last tensor", twoTensors("{" + a + "," + entry("b", "F32", "[1]", 8, 12) + "}"),
                "16 bytes", "cover 12"));
        c.add(new Case("byte count not dtype x shape", twoTensors("{" + entry("a", "F32", "[3]", 0, 8) + "," + b + "}"),
                "tensor a", "do not match F32 x shape [3] = 12"));
        c.add(new Case("F16 byte count not dtype x shape", twoTensors("{" + entry("a", "F16", "[2]", 0, 8) + "," + b
                + "}"), "tensor a", "F16"));
        c.add(new Case("duplicate tensor names", twoTensors("{" + a + "," + b + "," + a + "}"), "duplicate key \"a\""));
        c.add(new Case("duplicate metadata keys", twoTensors("{\"__metadata__\":{\"x\":\"1\",\"x\":\"2\"}," + a + ","
                + b + "}"), "duplicate key \"x\""));
        c.add(new Case("metadata that is not an object", twoTensors("{\"__metadata__\":[]," + a + "," + b + "}"),
                "__metadata__"));
        c.add(new Case("metadata value that is not a string", twoTensors("{\"__metadata__\":{\"diif\":{}}," + a + ","
                + b + "}"), "__metadata__.diif", "string"));
        return c;
    }

    static List<Case> modelCases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("no config", TinyModel.valid().config(null).build(), "no \"diif\" config"));
        c.add(new Case("config that is not JSON", TinyModel.valid().config("edsr please").build(), "config",
                "invalid JSON"));
        c.add(new Case("config that is a JSON array", TinyModel.valid().config("[1]").build(), "config",
                "JSON object"));
        c.add(new Case("config with an unknown top-level field", TinyModel.valid()
                .configReplace("\"format\":1", "\"format\":1,\"weights_url\":\"http://x\"").build(), "config",
                "unknown field \"weights_url\""));
        c.add(new Case("config format 2", TinyModel.valid().configReplace("\"format\":1", "\"format\":2").build(),
                "config", "\"format\""));
        c.add(new Case("config without an encoder", TinyModel.valid().configReplace("\"encoder\":", "\"encoder_\":")
                .build(), "unknown field \"encoder_\""));
        c.add(new Case("unknown encoder type", TinyModel.valid().configReplace("edsr-baseline", "vgg19").build(),
                "encoder", "\"vgg19\" is not supported"));
        c.add(new Case("unknown decoder type", TinyModel.valid().configReplace("\"type\":\"diif\"",
                "\"type\":\"meta-sr\"").build(), "decoder", "\"meta-sr\" is not supported"));
        c.add(new Case("unknown slicing", TinyModel.valid().configReplace("\"row\"", "\"diagonal\"").build(),
                "slicing", "diagonal"));
        c.add(new Case("negative n_feats", TinyModel.valid().configReplace("\"n_feats\":4", "\"n_feats\":-4").build(),
                "n_feats", "-4"));
        c.add(new Case("huge n_feats", TinyModel.valid().configReplace("\"n_feats\":4", "\"n_feats\":1000000")
                .build(), "n_feats", "1000000"));
        c.add(new Case("n_feats 2^63", TinyModel.valid().configReplace("\"n_feats\":4",
                "\"n_feats\":9223372036854775808").build(), "n_feats"));
        c.add(new Case("fractional n_feats", TinyModel.valid().configReplace("\"n_feats\":4", "\"n_feats\":4.5")
                .build(), "n_feats", "integer"));
        c.add(new Case("negative n_resblocks", TinyModel.valid().configReplace("\"n_resblocks\":1",
                "\"n_resblocks\":-1").build(), "n_resblocks"));
        c.add(new Case("huge n_resblocks", TinyModel.valid().configReplace("\"n_resblocks\":1",
                "\"n_resblocks\":1000000000").build(), "n_resblocks"));
        c.add(new Case("negative hidden width", TinyModel.valid().configReplace("\"coarse_hidden\":[8,8]",
                "\"coarse_hidden\":[-8,8]").build(), "coarse_hidden"));
        c.add(new Case("huge hidden width", TinyModel.valid().configReplace("\"fine_hidden\":[8,8]",
                "\"fine_hidden\":[8,100000000]").build(), "fine_hidden"));
        c.add(new Case("empty hidden widths", TinyModel.valid().configReplace("\"fine_hidden\":[8,8]",
                "\"fine_hidden\":[]").build(), "fine_hidden"));
        c.add(new Case("zero std", TinyModel.valid().configReplace("\"std\":0.5", "\"std\":0").build(), "std"));
        c.add(new Case("huge mean", TinyModel.valid().configReplace("\"mean\":0.5", "\"mean\":1e308").build(), "mean"));
        c.add(new Case("a missing tensor", TinyModel.valid().remove("imnet.tail.4.bias").build(), "imnet.tail.4.bias",
                "missing"));
        c.add(new Case("an unexpected tensor", TinyModel.valid().tensor("imnet.extra.weight", 2).build(),
                "imnet.extra.weight", "unexpected"));
        c.add(new Case("a tensor whose shape does not match the config", TinyModel.valid()
                .tensor("imnet.layers.0.weight", 8, 21).build(), "imnet.layers.0.weight", "[8, 21]", "[8, 22]"));
        c.add(new Case("a tensor of the wrong rank", TinyModel.valid().tensor("encoder.head.0.weight", 4, 27).build(),
                "encoder.head.0.weight", "[4, 27]", "[4, 3, 3, 3]"));
        c.add(new Case("a config that asks for more blocks than the file has", TinyModel.valid()
                .configReplace("\"n_resblocks\":1", "\"n_resblocks\":2").build(), "encoder.body.1.weight", "unexpected"));
        c.add(new Case("a NaN weight", TinyModel.valid().set("imnet.tail.2.weight", 5, Float.NaN).build(),
                "imnet.tail.2.weight", "non-finite", "index 5"));
        c.add(new Case("a +Inf weight", TinyModel.valid().set("encoder.head.0.bias", 0, Float.POSITIVE_INFINITY)
                .build(), "encoder.head.0.bias", "non-finite"));
        c.add(new Case("a -Inf weight", TinyModel.valid().set("imnet.layers.0.weight", 175, Float.NEGATIVE_INFINITY)
                .build(), "imnet.layers.0.weight", "non-finite"));
        return c;
    }

    @TestFactory
    @DisplayName("each broken layout or model rule is refused by every reader, naming the file, the item and the rule")
    Stream<DynamicTest> everyCaseEveryReader() {
        List<Case> all = new ArrayList<>(layoutCases());
        all.addAll(modelCases());
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : all) {
            for (Reader r : Reader.values()) {
                tests.add(DynamicTest.dynamicTest(c.description() + " (" + r.name().toLowerCase() + ")", () -> {
                    ModelFormatException e = assertThrows(ModelFormatException.class, () -> r.read(c.bytes(), NAME),
                            c.description());
                    String m = e.getMessage();
                    assertTrue(m.contains(NAME), () -> "message '" + m + "' does not name the file");
                    for (String f : c.fragments()) {
                        assertTrue(m.contains(f), () -> "message '" + m + "' lacks '" + f + "'");
                    }
                    assertTrue(m.indexOf('\n') < 0, () -> "message '" + m + "' spans lines");
                }));
            }
        }
        return tests.stream();
    }

    @Test
    @DisplayName("the valid base model of these cases is accepted by every reader")
    void baseIsValid() throws IOException {
        for (Reader r : Reader.values()) {
            assertEquals("tiny", r.read(TinyModel.valid().build(), NAME).config().name(), r.name());
        }
    }

    @Test
    @DisplayName("NaN and infinite weights in F16 and BF16 are refused too (weights are rejected, not warned about)")
    void nonFiniteHalfPrecision() {
        TinyModel m = TinyModel.valid();
        for (String[] dtypeAndBits : new String[][] {{"F16", "7c00"}, {"F16", "7e00"}, {"BF16", "7f80"},
            {"BF16", "ffc0"}}) {
            byte[] file = halfModel(m, dtypeAndBits[0], (short) Integer.parseInt(dtypeAndBits[1], 16));
            ModelFormatException e = assertThrows(ModelFormatException.class,
                    () -> ModelFile.of(Safetensors.parse(file, NAME), NAME));
            assertTrue(e.getMessage().contains("imnet.tail.4.bias") && e.getMessage().contains("non-finite"),
                    e.getMessage());
        }
        assertEquals("F16", ModelFile.of(Safetensors.parse(halfModel(m, "F16", (short) 0x3c00), NAME), NAME)
                .storedDtypes().get("imnet.tail.4.bias"));
    }

    /** The tiny model with its last tensor (imnet.tail.4.bias, 3 values) stored as F16/BF16, value 1 = bits. */
    private static byte[] halfModel(TinyModel m, String dtype, short bits) {
        String header = m.header();
        int last = header.lastIndexOf("\"imnet.tail.4.bias\"");
        long begin = 4L * (m.values.values().stream().mapToInt(v -> v.length).sum() - 3);
        String h = header.substring(0, last) + entry("imnet.tail.4.bias", dtype, "[3]", begin, begin + 6) + "}";
        byte[] data = Arrays.copyOf(m.data(), (int) begin + 6);
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putShort((int) begin, (short) 0x3c00)
                .putShort((int) begin + 2, bits).putShort((int) begin + 4, (short) 0);
        if (dtype.equals("BF16")) {
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putShort((int) begin, (short) 0x3f80);
        }
        return TinyModel.file(h.getBytes(StandardCharsets.UTF_8), data);
    }

    @Test
    @DisplayName("a tiny file declaring a 2 GB tensor is refused before tensor memory is allocated")
    void noAllocationBeforeValidation(@TempDir Path tmp) throws IOException {
        // The header is valid JSON and the tensor is consistent with itself; only the file size betrays it.
        String header = "{" + entry("a", "F32", "[500000000]", 0, 2_000_000_000L) + "}";
        byte[] file = TinyModel.file(header.getBytes(StandardCharsets.UTF_8), new byte[64]);
        Path p = tmp.resolve("liar.safetensors");
        Files.write(p, file);
        long before = allocatedBytes();
        assertThrows(ModelFormatException.class, () -> Safetensors.parse(file, "liar"));
        assertThrows(ModelFormatException.class, () -> Safetensors.read(p));
        assertThrows(ModelFormatException.class, () -> Safetensors.read(new ByteArrayInputStream(file), "liar"));
        long used = allocatedBytes() - before;
        assertTrue(used < 16L << 20, "allocated " + used + " bytes refusing a 2 GB claim");
    }

    @Test
    @DisplayName("a stream that declares a 16 MiB header and ends early costs only what it sent")
    void lyingStream() {
        byte[] file = withLength(new byte[100], 16L << 20);
        long before = allocatedBytes();
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> Safetensors.read(new ByteArrayInputStream(file), "short-stream"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        long used = allocatedBytes() - before;
        assertTrue(used < 4L << 20, "allocated " + used + " bytes for a 100-byte stream");
    }

    @Test
    @DisplayName("names and values quoted from the file cannot break the message into lines or reach a terminal")
    void controlCharactersEscaped() {
        String[] hostile = {"imnet.\nfake: all good\n", "x\u001b[2J\u001b[31m", "bell\u0007", "nel\u0085", "ls\u2028"};
        for (String name : hostile) {
            byte[] file = TinyModel.valid().tensor(name, 2).build();
            String m = assertThrows(ModelFormatException.class, () -> Reader.BYTES.read(file, NAME)).getMessage();
            assertTrue(m.contains("unexpected"), () -> name.length() + ": " + m);
            for (char c : m.toCharArray()) {
                assertTrue(c >= 0x20 && !(c >= 0x7f && c < 0xa0) && c != '\u2028', () -> "control character in '" + m + "'");
            }
        }
        // A bad escape in the header JSON (the first fuzzing finding: "bad escape \" followed by a raw newline).
        String m = assertThrows(ModelFormatException.class, () -> Reader.BYTES.read(twoTensors("{\"a\\\n\":1}"), NAME))
                .getMessage();
        assertTrue(m.contains("bad escape \\U+000A"), m);
        // Config values are quoted too.
        m = assertThrows(ModelFormatException.class, () -> Reader.BYTES.read(TinyModel.valid()
                .configReplace("edsr-baseline", "edsr\\n\\u001b[0m").build(), NAME)).getMessage();
        assertTrue(m.contains("edsr\\x0a\\x1b[0m"), m);
    }

    @Test
    @DisplayName("a missing file or a directory is an IOException naming the path")
    void missingFile(@TempDir Path tmp) {
        IOException e = assertThrows(IOException.class, () -> ModelFile.read(tmp.resolve("absent.safetensors")));
        assertTrue(e.getMessage().contains("absent.safetensors") && e.getMessage().contains("no such file"),
                e.getMessage());
        e = assertThrows(IOException.class, () -> ModelFile.read(tmp));
        assertTrue(e.getMessage().contains("directory"), e.getMessage());
        if (Files.isReadable(Path.of("/dev/zero"))) {
            e = assertThrows(IOException.class, () -> ModelFile.read(Path.of("/dev/zero")));
            assertTrue(e.getMessage().contains("not a regular file"), e.getMessage());
        }
    }

    /** Bytes this thread has allocated so far (HotSpot's per-thread counter). */
    static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
