package io.diif.model;

import io.diif.graph.Parameter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A validated model: its {@link ModelConfig} and exactly the tensors that architecture needs, with the
 * shapes it needs, all finite. Anything else is refused with a {@link ModelFormatException} that names
 * the file, the tensor or field, and the rule broken.
 */
public final class ModelFile {
    private final String source;
    private final ModelConfig config;
    private final Map<String, Parameter> parameters;
    private final Map<String, String> metadata;
    private final Map<String, String> storedDtypes;

    private ModelFile(String source, ModelConfig config, Map<String, Parameter> parameters,
            Map<String, String> metadata, Map<String, String> storedDtypes) {
        this.source = source;
        this.config = config;
        this.parameters = Collections.unmodifiableMap(parameters);
        this.metadata = metadata;
        this.storedDtypes = storedDtypes;
    }

    /**
     * Reads and validates a model file.
     *
     * @param path a safetensors file with a diif config in its metadata
     * @return the validated model
     * @throws IOException if the file cannot be read
     * @throws ModelFormatException if it is not a valid model, naming the file, the field and the rule
     */
    public static ModelFile read(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        return of(Safetensors.read(path), path.toString());
    }

    /**
     * Reads and validates a model from a stream, read fully and not closed.
     *
     * @param in the safetensors bytes
     * @param name names the stream in errors
     * @return the validated model
     * @throws IOException if the stream cannot be read
     * @throws ModelFormatException if it is not a valid model, naming the stream, the field and the rule
     */
    public static ModelFile read(InputStream in, String name) throws IOException {
        Objects.requireNonNull(in, "in");
        return of(Safetensors.read(in, name), name);
    }

    /**
     * Validates a parsed safetensors file as a model.
     *
     * @param file the parsed file
     * @param source names it in errors and in {@link #source()}
     * @return the validated model
     * @throws ModelFormatException if the config is missing or invalid, or a tensor is missing or misshapen
     */
    public static ModelFile of(Safetensors file, String source) {
        String json = file.metadata().get(ModelConfig.METADATA_KEY);
        if (json == null) {
            throw new ModelFormatException(source + ": __metadata__ has no \"" + ModelConfig.METADATA_KEY
                    + "\" config (see docs/model-format.md)");
        }
        ModelConfig config = ModelConfig.parse(json, source);
        Map<String, int[]> expected = TensorLayout.expected(config);
        Map<String, Parameter> params = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : file.tensors().entrySet()) {
            String name = e.getKey();
            if (TensorLayout.isIgnored(name)) {
                continue;
            }
            int[] shape = expected.get(name);
            if (shape == null) {
                throw new ModelFormatException(source + ": unexpected tensor " + name + " for a "
                        + config.encoder().type() + "-" + config.decoder().type() + " model");
            }
            Parameter p = e.getValue();
            if (!Arrays.equals(shape, p.shape())) {
                throw new ModelFormatException(source + ": tensor " + name + " has shape " + Arrays.toString(p.shape())
                        + ", the config needs " + Arrays.toString(shape));
            }
            float[] v = p.values();
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new ModelFormatException(source + ": tensor " + name + " holds a non-finite value (" + v[i]
                            + ") at index " + i + "; weights must be finite");
                }
            }
            params.put(name, p);
        }
        for (String name : expected.keySet()) {
            if (!params.containsKey(name)) {
                throw new ModelFormatException(source + ": tensor " + name + " is missing (shape "
                        + Arrays.toString(expected.get(name)) + ")");
            }
        }
        return new ModelFile(source, config, params, file.metadata(), file.dtypes());
    }

    /** {@return where the model came from (a path or a resource name)} */
    public String source() {
        return source;
    }

    /** {@return the architecture and settings the file's config names} */
    public ModelConfig config() {
        return config;
    }

    /** {@return the tensors the architecture uses, by state-dict name, in file order} */
    public Map<String, Parameter> parameters() {
        return parameters;
    }

    /**
     * The tensor of that state-dict name.
     *
     * @param name a state-dict name, e.g. {@code "imnet.tail.0.weight"}
     * @return the tensor, widened to float32
     * @throws ModelFormatException naming the tensor and the file if the architecture has no such tensor
     */
    public Parameter parameter(String name) {
        Parameter p = parameters.get(name);
        if (p == null) {
            throw new ModelFormatException(source + ": tensor " + name + " is missing");
        }
        return p;
    }

    /** {@return the raw {@code __metadata__} strings of the file, the config among them} */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * How the model was trained, as its file records it ({@code "training"} in the config: data, steps,
     * recipe, date, final loss, validation PSNRs); empty when the file says nothing. Values are JSON
     * types: Map, List, String, Double, Long, Boolean or null.
     *
     * @return the training record, unmodifiable
     */
    public Map<String, Object> training() {
        Object root = Json.parse(metadata.get(ModelConfig.METADATA_KEY), source + " config");
        Object t = root instanceof Map<?, ?> m ? m.get("training") : null;
        if (!(t instanceof Map<?, ?> training)) {
            return Map.of();
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        training.forEach((k, v) -> copy.put((String) k, v));
        return Collections.unmodifiableMap(copy);
    }

    /** {@return the stored dtype of each tensor (F32, F16 or BF16) before widening} */
    public Map<String, String> storedDtypes() {
        return storedDtypes;
    }

    /** {@return the number of learnable scalars the architecture uses} */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters.values()) {
            n += p.values().length;
        }
        return n;
    }
}
