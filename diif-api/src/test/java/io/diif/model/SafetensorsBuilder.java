package io.diif.model;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes small safetensors files for tests, with hooks to corrupt them. */
final class SafetensorsBuilder {
    private final Map<String, int[]> shapes = new LinkedHashMap<>();
    private final Map<String, float[]> values = new LinkedHashMap<>();
    private String config;

    SafetensorsBuilder config(String json) {
        this.config = json;
        return this;
    }

    SafetensorsBuilder tensor(String name, int[] shape, float fill) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = fill + 0.001f * (i % 7);
        }
        shapes.put(name, shape);
        values.put(name, v);
        return this;
    }

    SafetensorsBuilder remove(String name) {
        shapes.remove(name);
        values.remove(name);
        return this;
    }

    SafetensorsBuilder set(String name, int index, float value) {
        values.get(name)[index] = value;
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
            h.append(quote(e.getKey())).append(":{\"dtype\":\"F32\",\"shape\":").append(java.util.Arrays.toString(e.getValue()))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        return h.append('}').toString();
    }

    byte[] build() {
        return withHeader(header());
    }

    byte[] withHeader(String header) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length);
        out.writeBytes(len.array());
        out.writeBytes(h);
        for (float[] v : values.values()) {
            ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
            for (float f : v) {
                b.putFloat(f);
            }
            out.writeBytes(b.array());
        }
        return out.toByteArray();
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** A complete tiny EDSR-baseline + DIIF model (F=4, 1 resblock, widths 8). */
    static SafetensorsBuilder tinyDiif() {
        SafetensorsBuilder b = new SafetensorsBuilder().config("{\"format\":1,\"name\":\"tiny\",\"encoder\":"
                + "{\"type\":\"edsr-baseline\",\"n_resblocks\":1,\"n_feats\":4,\"res_scale\":1.0},\"decoder\":"
                + "{\"type\":\"diif\",\"coarse_hidden\":[8,8],\"fine_hidden\":[8,8],\"slicing\":\"row\","
                + "\"slice_ensemble\":true,\"ensemble_block\":2,\"coarse_cell\":true,\"fine_cell\":false,"
                + "\"max_scale\":4.0},\"normalization\":{\"mean\":0.5,\"std\":0.5}}");
        b.tensor("encoder.head.0.weight", new int[] {4, 3, 3, 3}, 0.01f).tensor("encoder.head.0.bias", new int[] {4}, 0f);
        b.tensor("encoder.body.0.body.0.weight", new int[] {4, 4, 3, 3}, 0.02f)
                .tensor("encoder.body.0.body.0.bias", new int[] {4}, 0f);
        b.tensor("encoder.body.0.body.2.weight", new int[] {4, 4, 3, 3}, 0.02f)
                .tensor("encoder.body.0.body.2.bias", new int[] {4}, 0f);
        b.tensor("encoder.body.1.weight", new int[] {4, 4, 3, 3}, 0.03f).tensor("encoder.body.1.bias", new int[] {4}, 0f);
        b.tensor("imnet.layers.0.weight", new int[] {8, 22}, 0.01f).tensor("imnet.layers.0.bias", new int[] {8}, 0f);
        b.tensor("imnet.layers.2.weight", new int[] {8, 8}, 0.01f).tensor("imnet.layers.2.bias", new int[] {8}, 0f);
        b.tensor("imnet.tail.0.weight", new int[] {8, 10}, 0.01f).tensor("imnet.tail.0.bias", new int[] {8}, 0f);
        b.tensor("imnet.tail.2.weight", new int[] {8, 8}, 0.01f).tensor("imnet.tail.2.bias", new int[] {8}, 0f);
        b.tensor("imnet.tail.4.weight", new int[] {3, 8}, 0.01f).tensor("imnet.tail.4.bias", new int[] {3}, 0f);
        return b;
    }
}
