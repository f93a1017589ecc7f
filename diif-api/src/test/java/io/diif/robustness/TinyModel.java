package io.diif.robustness;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a valid tiny EDSR-baseline + DIIF safetensors model (F=4, 1 resblock, widths 8) and lets
 * tests break it one rule at a time.
 */
final class TinyModel {
    static final String CONFIG = "{\"format\":1,\"name\":\"tiny\",\"encoder\":"
            + "{\"type\":\"edsr-baseline\",\"n_resblocks\":1,\"n_feats\":4,\"res_scale\":1.0},\"decoder\":"
            + "{\"type\":\"diif\",\"coarse_hidden\":[8,8],\"fine_hidden\":[8,8],\"slicing\":\"row\","
            + "\"slice_ensemble\":true,\"ensemble_block\":2,\"coarse_cell\":true,\"fine_cell\":false,"
            + "\"max_scale\":4.0},\"normalization\":{\"mean\":0.5,\"std\":0.5}}";

    final Map<String, int[]> shapes = new LinkedHashMap<>();
    final Map<String, float[]> values = new LinkedHashMap<>();
    String config = CONFIG;

    static TinyModel valid() {
        TinyModel b = new TinyModel();
        b.tensor("encoder.head.0.weight", 4, 3, 3, 3).tensor("encoder.head.0.bias", 4);
        b.tensor("encoder.body.0.body.0.weight", 4, 4, 3, 3).tensor("encoder.body.0.body.0.bias", 4);
        b.tensor("encoder.body.0.body.2.weight", 4, 4, 3, 3).tensor("encoder.body.0.body.2.bias", 4);
        b.tensor("encoder.body.1.weight", 4, 4, 3, 3).tensor("encoder.body.1.bias", 4);
        b.tensor("imnet.layers.0.weight", 8, 22).tensor("imnet.layers.0.bias", 8);
        b.tensor("imnet.layers.2.weight", 8, 8).tensor("imnet.layers.2.bias", 8);
        b.tensor("imnet.tail.0.weight", 8, 10).tensor("imnet.tail.0.bias", 8);
        b.tensor("imnet.tail.2.weight", 8, 8).tensor("imnet.tail.2.bias", 8);
        b.tensor("imnet.tail.4.weight", 3, 8).tensor("imnet.tail.4.bias", 3);
        return b;
    }

    TinyModel tensor(String name, int... shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.01f * ((i * 7 + name.length()) % 13 - 6);
        }
        shapes.put(name, shape);
        values.put(name, v);
        return this;
    }

    TinyModel remove(String name) {
        shapes.remove(name);
        values.remove(name);
        return this;
    }

    TinyModel set(String name, int index, float value) {
        values.get(name)[index] = value;
        return this;
    }

    TinyModel config(String json) {
        this.config = json;
        return this;
    }

    /** The config with {@code from} replaced by {@code to} (which must occur). */
    TinyModel configReplace(String from, String to) {
        if (!config.contains(from)) {
            throw new IllegalArgumentException(from);
        }
        this.config = config.replace(from, to);
        return this;
    }

    String header() {
        StringBuilder h = new StringBuilder("{");
        if (config != null) {
            h.append("\"__metadata__\":{\"diif\":").append(quote(config)).append("}");
        }
        long offset = 0;
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            if (h.length() > 1) {
                h.append(',');
            }
            long bytes = 4L * values.get(e.getKey()).length;
            h.append(quote(e.getKey())).append(":{\"dtype\":\"F32\",\"shape\":").append(Arrays.toString(e.getValue()))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        return h.append('}').toString();
    }

    byte[] build() {
        return withHeader(header());
    }

    /** The tensor data of this model behind an arbitrary header. */
    byte[] withHeader(String header) {
        return file(header.getBytes(StandardCharsets.UTF_8), data());
    }

    byte[] data() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (float[] v : values.values()) {
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : v) {
                b.putFloat(f);
            }
            out.writeBytes(b.array());
        }
        return out.toByteArray();
    }

    static byte[] file(byte[] header, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        return b.putLong(header.length).put(header).put(data).array();
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
