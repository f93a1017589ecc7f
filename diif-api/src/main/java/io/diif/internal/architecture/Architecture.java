package io.diif.internal.architecture;

import io.diif.graph.Graph;
import io.diif.internal.decoding.Decoder;
import io.diif.internal.decoding.DiifDecoder;
import io.diif.internal.decoding.DlteDecoder;
import io.diif.internal.decoding.FixedScaleDecoder;
import io.diif.internal.decoding.LiifDecoder;
import io.diif.internal.decoding.LmLiifDecoder;
import io.diif.internal.decoding.LteDecoder;
import io.diif.internal.decoding.MetaSrDecoder;
import io.diif.internal.networks.Networks;
import io.diif.model.ModelConfig;
import io.diif.model.ModelFile;
import io.diif.spi.Backend;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Every decoder architecture of the model format and the code that runs it: the one place that maps a
 * decoder config to its decoder and its graphs, so adding an architecture is one constant here.
 */
public enum Architecture {
    DIIF(ModelConfig.Diif.class, DiifDecoder::new,
            m -> concat(List.of(Networks.diifCornerProjection(m)), coarseToFineStages(m))),
    DLTE(ModelConfig.Dlte.class, DlteDecoder::new,
            m -> concat(List.of(Networks.fourierMaps(m)), coarseToFineStages(m))),
    LTE(ModelConfig.Lte.class, LteDecoder::new, m -> List.of(Networks.fourierMaps(m), Networks.mlp(m, false))),
    LIIF(ModelConfig.Liif.class, LiifDecoder::new, m -> List.of(Networks.mlp(m, false))),
    METASR(ModelConfig.MetaSr.class, MetaSrDecoder::new,
            m -> List.of(Networks.metaSrWeightHidden(m), Networks.metaSrFeatureProjection(m))),
    LMLIIF(ModelConfig.LmLiif.class, LmLiifDecoder::new, m -> List.of(Networks.lmLiifLatentMlp(m))),
    FIXED_SCALE(ModelConfig.NoDecoder.class, FixedScaleDecoder::new, m -> List.of(Networks.edsrUpsampler(m)));

    /** A decoder's constructor. */
    @FunctionalInterface
    private interface DecoderFactory {
        Decoder create(ModelFile model, Backend backend, int tileRows);
    }

    private final Class<? extends ModelConfig.DecoderConfig> config;
    private final DecoderFactory factory;
    private final Function<ModelFile, List<Graph>> graphs;

    Architecture(Class<? extends ModelConfig.DecoderConfig> config, DecoderFactory factory,
            Function<ModelFile, List<Graph>> graphs) {
        this.config = config;
        this.factory = factory;
        this.graphs = graphs;
    }

    /**
     * The architecture of a decoder config.
     *
     * @throws IllegalStateException for a config type no constant handles (a new one was added to the format
     *     but not here; a test checks every permitted type)
     */
    public static Architecture of(ModelConfig.DecoderConfig decoder) {
        for (Architecture a : values()) {
            if (a.config == decoder.getClass()) {
                return a;
            }
        }
        throw new IllegalStateException("no architecture runs decoder type " + decoder.type() + " ("
                + decoder.getClass().getName() + ")");
    }

    /** The config record this architecture runs. */
    public Class<? extends ModelConfig.DecoderConfig> configType() {
        return config;
    }

    /** Compiles the model's decoder on {@code backend}; it holds at most {@code tileRows} rows of activations. */
    public Decoder decoder(ModelFile model, Backend backend, int tileRows) {
        return factory.create(model, backend, tileRows);
    }

    /**
     * Every graph a model runs, by graph name, encoder first: what a backend compiles and what an exporter
     * writes out.
     */
    public static Map<String, Graph> graphs(ModelFile model) {
        Map<String, Graph> all = new LinkedHashMap<>();
        Graph encoder = Networks.encoder(model);
        all.put(encoder.name(), encoder);
        for (Graph g : of(model.config().decoder()).graphs.apply(model)) {
            all.put(g.name(), g);
        }
        return all;
    }

    /** The coarse stage with and without the fine projection, and the fine stage from either. */
    private static List<Graph> coarseToFineStages(ModelFile m) {
        return List.of(Networks.coarseStage(m, false, false), Networks.coarseStage(m, true, false),
                Networks.fineStage(m, true, false), Networks.fineStage(m, false, false));
    }

    private static List<Graph> concat(List<Graph> a, List<Graph> b) {
        List<Graph> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
