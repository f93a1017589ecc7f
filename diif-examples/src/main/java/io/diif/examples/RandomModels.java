package io.diif.examples;

import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.model.Safetensors;
import io.diif.model.TensorLayout;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

/**
 * Models of the paper's sizes with seeded random weights (PyTorch's default initialisation), built in
 * memory: speed does not depend on the weights, so benchmarks need no model files.
 */
final class RandomModels {
    static final String EDSR = "\"encoder\": {\"type\": \"edsr-baseline\", \"n_resblocks\": 16, \"n_feats\": 64,"
            + " \"res_scale\": 1.0}";
    static final String EDSR_DIIF = "{\"format\": 1, \"name\": \"edsr-baseline-diif (random)\", " + EDSR
            + ", \"decoder\": {\"type\": \"diif\", \"coarse_hidden\": [256, 256], \"fine_hidden\": [256, 256],"
            + " \"slicing\": \"row\", \"slice_ensemble\": true, \"ensemble_block\": 4, \"coarse_cell\": true,"
            + " \"fine_cell\": false, \"max_scale\": 4.0}}";
    static final String EDSR_LIIF = "{\"format\": 1, \"name\": \"edsr-baseline-liif (random)\", " + EDSR
            + ", \"decoder\": {\"type\": \"liif\", \"hidden\": [256, 256, 256, 256]}}";
    /** The paper's architectures by the name {@code --paper-models} takes, each at the paper's size. */
    static final Map<String, String> PAPER = new java.util.LinkedHashMap<>();

    static {
        PAPER.put("edsr-diif", EDSR_DIIF);
        PAPER.put("edsr-liif", EDSR_LIIF);
        // Table 4's ablations (baselines §2, §4) and Table 1's fixed-scale EDSR-baseline (§3).
        PAPER.put("edsr-diif-wo-se", EDSR_DIIF.replace("diif (random)", "diif w/o se (random)")
                .replace("\"slice_ensemble\": true, \"ensemble_block\": 4", "\"slice_ensemble\": false"));
        PAPER.put("edsr-diif-c4f3", EDSR_DIIF.replace("diif (random)", "diif c4+f3 (random)")
                .replace("\"coarse_hidden\": [256, 256]", "\"coarse_hidden\": [256, 256, 256, 256]"));
        PAPER.put("edsr-diif-c2f5", EDSR_DIIF.replace("diif (random)", "diif c2+f5 (random)")
                .replace("\"fine_hidden\": [256, 256]", "\"fine_hidden\": [256, 256, 256, 256]"));
        for (int s = 2; s <= 4; s++) {
            PAPER.put("edsr-x" + s, "{\"format\": 1, \"name\": \"edsr-baseline-x" + s + " (random)\", "
                    + EDSR.replace("}", ", \"upsampler\": {\"scale\": " + s + "}}") + ", \"decoder\": {\"type\": \"none\"}}");
        }
    }

    private RandomModels() {
    }

    /** The kinds of {@link #PAPER}, for the shell completion of {@code diif bench --paper-models}. */
    static final class Kinds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return PAPER.keySet().iterator();
        }
    }

    /** One of {@link #PAPER}: {@code edsr-diif} (the paper's final model, 4×4 blocks), {@code edsr-liif}, … */
    static ModelFile paper(String kind, long seed) {
        String json = PAPER.get(kind);
        if (json == null) {
            throw new io.diif.examples.cli.UsageException("unknown paper model '" + kind + "' (" + String.join(", ", PAPER.keySet())
                    + ")");
        }
        return random(json, kind, seed);
    }

    static ModelFile random(String configJson, String name, long seed) {
        ModelConfig config = ModelConfig.parse(configJson, name);
        Map<String, int[]> shapes = TensorLayout.expected(config);
        StringBuilder header = new StringBuilder("{\"__metadata__\":{\"diif\":\"")
                .append(configJson.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"}");
        long offset = 0;
        Random random = new Random(seed);
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, int[]> e : shapes.entrySet()) {
            int[] shape = e.getValue();
            int count = 1;
            for (int d : shape) {
                count *= d;
            }
            // Uniform(±1/sqrt(fan_in)), PyTorch's default for Linear and Conv2d weights and biases.
            String weightName = e.getKey().replace(".bias", ".weight");
            int[] w = shapes.get(weightName);
            int fanIn = 1;
            for (int i = 1; i < w.length; i++) {
                fanIn *= w[i];
            }
            double bound = 1 / Math.sqrt(fanIn);
            ByteBuffer b = ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < count; i++) {
                b.putFloat((float) ((random.nextDouble() * 2 - 1) * bound));
            }
            data.writeBytes(b.array());
            header.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(java.util.Arrays.toString(shape)).append(",\"data_offsets\":[").append(offset).append(',')
                    .append(offset + 4L * count).append("]}");
            offset += 4L * count;
        }
        byte[] h = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        file.writeBytes(h);
        file.writeBytes(data.toByteArray());
        return ModelFile.of(Safetensors.parse(file.toByteArray(), name), name);
    }
}
