package io.diif.backend.onnx;

import io.diif.Precision;
import io.diif.graph.Graph;
import io.diif.graph.Node;
import io.diif.graph.Parameter;
import io.diif.spi.support.ReducedLayers;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates a {@link Graph} into an ONNX {@code ModelProto} (IR version {@value #IR_VERSION}, default
 * opset {@value #OPSET}).
 *
 * <p>The model has one input {@value #INPUT} and one output {@value #OUTPUT}, both float32. Image graphs
 * take {@code [1, C, H, W]} with symbolic {@code H} and {@code W}; row graphs take {@code [N, C]} with
 * symbolic {@code N}. Weights are initializers (raw little-endian data), shared parameters are stored
 * once. Operations map one to one: Conv (stride 1, pads {@code [padH, padW, padH, padW]}), Gemm with
 * {@code transB = 1}, Relu, Add, Mul by a scalar initializer, Concat on axis 1.
 */
final class OnnxModelBuilder {
    static final long IR_VERSION = 8;
    static final long OPSET = 17;
    static final String INPUT = "input";
    static final String OUTPUT = "output";

    /** Protobuf messages may not exceed 2 GiB; stay clear of it, leaving room for the graph itself. */
    private static final long MAX_WEIGHT_BYTES = (1L << 31) - (1L << 24);

    // Field numbers, from onnx/onnx.proto.
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_PRODUCER_VERSION = 3;
    private static final int MODEL_DOC_STRING = 6;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int OPSET_VERSION = 2;
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int NODE_DOMAIN = 7;
    private static final int OPSET_DOMAIN = 1;
    private static final int ATTRIBUTE_NAME = 1;
    private static final int ATTRIBUTE_I = 3;
    private static final int ATTRIBUTE_S = 4;
    private static final int ATTRIBUTE_INTS = 8;
    private static final int ATTRIBUTE_TYPE = 20;
    private static final int ATTRIBUTE_TYPE_INT = 2;
    private static final int ATTRIBUTE_TYPE_STRING = 3;
    private static final int ATTRIBUTE_TYPE_INTS = 7;
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int DATA_TYPE_FLOAT = 1;
    private static final int DATA_TYPE_INT8 = 3;
    /** ONNX Runtime's own operators, among them the quantised GEMM with float input and output. */
    private static final String MICROSOFT = "com.microsoft";
    private static final int VALUE_INFO_NAME = 1;
    private static final int VALUE_INFO_TYPE = 2;
    private static final int TYPE_TENSOR_TYPE = 1;
    private static final int TENSOR_TYPE_ELEM_TYPE = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;

    private final Graph graph;
    private final Precision precision;
    /** The GraphProto under construction: nodes and initializers are appended as they come. */
    private final ProtoWriter graphProto = new ProtoWriter();
    private final Map<Parameter, String> initializerNames = new IdentityHashMap<>();
    private final Set<String> usedNames = new HashSet<>();
    private long weightBytes;
    /** Whether a node uses ONNX Runtime's own operator set, which the model must then import. */
    private boolean quantised;

    private OnnxModelBuilder(Graph graph, Precision precision) {
        this.graph = graph;
        this.precision = precision;
        usedNames.add(INPUT);
        usedNames.add(OUTPUT);
    }

    /** The serialised float32 ModelProto of {@code graph}. */
    static byte[] build(Graph graph) {
        return build(graph, Precision.FP32);
    }

    /**
     * The serialised ModelProto of {@code graph} in {@code precision}: {@link Precision#INT8} turns each
     * {@link ReducedLayers#reducible} dense layer into ONNX Runtime's {@code DynamicQuantizeMatMul}.
     */
    static byte[] build(Graph graph, Precision precision) {
        if (precision != Precision.FP32 && precision != Precision.INT8) {
            throw new IllegalArgumentException("ONNX graphs are built in fp32 or int8, not " + precision.label());
        }
        return new OnnxModelBuilder(graph, precision).model().toByteArray();
    }

    /** The float32 ModelProto as a writer, for streaming it to a file without another copy. */
    static ProtoWriter buildWriter(Graph graph) {
        return new OnnxModelBuilder(graph, Precision.FP32).model();
    }

    private ProtoWriter model() {
        graphProto.string(GRAPH_NAME, graph.name());
        for (Node n : graph.nodes()) {
            addNode(n);
        }
        if (graph.output() instanceof Node.Input) {
            node("Identity", "identity", List.of(INPUT), OUTPUT);
        }
        boolean image = graph.layout() == Graph.Layout.IMAGE;
        int inC = graph.input().channels();
        int outC = graph.output().channels();
        if (image) {
            // Spatial sizes of the output, relative to the input: equal when every convolution keeps them.
            int[] in = {1 << 20, 1 << 20};
            int[] out = graph.outputShape(inC, in[0], in[1]);
            graphProto.message(GRAPH_INPUT, valueInfo(INPUT, 1, inC, "H", "W"));
            graphProto.message(GRAPH_OUTPUT, valueInfo(OUTPUT, 1, outC,
                    out[1] == in[0] ? "H" : null, out[2] == in[1] ? "W" : null));
        } else {
            graphProto.message(GRAPH_INPUT, valueInfo(INPUT, "N", inC));
            graphProto.message(GRAPH_OUTPUT, valueInfo(OUTPUT, "N", outC));
        }
        ProtoWriter model = new ProtoWriter()
                .varint(MODEL_IR_VERSION, IR_VERSION)
                .string(MODEL_PRODUCER_NAME, "diif-java")
                .string(MODEL_PRODUCER_VERSION, producerVersion())
                .string(MODEL_DOC_STRING, "diif graph " + graph.name() + " (" + graph.layout() + "); input "
                        + (image ? "[1, C, H, W]" : "[N, C]") + " float32")
                .message(MODEL_OPSET_IMPORT, new ProtoWriter().varint(OPSET_VERSION, OPSET));
        if (quantised) {
            model.message(MODEL_OPSET_IMPORT, new ProtoWriter().string(OPSET_DOMAIN, MICROSOFT).varint(OPSET_VERSION, 1));
        }
        return model.message(MODEL_GRAPH, graphProto);
    }

    private void addNode(Node n) {
        String out = valueName(n);
        if (n instanceof Node.Input) {
            return;
        } else if (n instanceof Node.Conv2d c) {
            List<String> inputs = new ArrayList<>(List.of(valueName(c.input()), initializer(c.weight())));
            if (c.bias() != null) {
                inputs.add(initializer(c.bias()));
            }
            node("Conv", "conv" + n.id(), inputs, out,
                    intsAttribute("kernel_shape", c.kernelH(), c.kernelW()),
                    intsAttribute("pads", c.padH(), c.padW(), c.padH(), c.padW()),
                    intsAttribute("strides", 1, 1),
                    intsAttribute("dilations", 1, 1));
        } else if (n instanceof Node.Linear l && precision == Precision.INT8 && ReducedLayers.reducible(n)) {
            quantisedLinear(l, out);
        } else if (n instanceof Node.Linear l) {
            List<String> inputs = new ArrayList<>(List.of(valueName(l.input()), initializer(l.weight())));
            if (l.bias() != null) {
                inputs.add(initializer(l.bias()));
            }
            node("Gemm", "gemm" + n.id(), inputs, out, intAttribute("transB", 1));
        } else if (n instanceof Node.Relu r) {
            node("Relu", "relu" + n.id(), List.of(valueName(r.input())), out);
        } else if (n instanceof Node.Add a) {
            node("Add", "add" + n.id(), List.of(valueName(a.left()), valueName(a.right())), out);
        } else if (n instanceof Node.Scale s) {
            String factor = uniqueName("scale" + n.id() + ".factor");
            graphProto.message(GRAPH_INITIALIZER, tensor(factor, new int[0], new float[] {s.factor()}));
            node("Mul", "mul" + n.id(), List.of(valueName(s.input()), factor), out);
        } else if (n instanceof Node.Concat c) {
            List<String> inputs = c.inputs().stream().map(this::valueName).toList();
            node("Concat", "concat" + n.id(), inputs, out, intAttribute("axis", 1));
        } else if (n instanceof Node.PixelShuffle p) {
            // Mode CRD is PyTorch's PixelShuffle channel order c·r² + a·r + b (DCR would be (a·r + b)·C + c).
            node("DepthToSpace", "depth_to_space" + n.id(), List.of(valueName(p.input())), out,
                    intAttribute("blocksize", p.factor()), stringAttribute("mode", "CRD"));
        } else {
            throw new IllegalArgumentException("graph " + graph.name() + ": unsupported node " + n);
        }
    }

    /**
     * {@code y = x Wᵀ + b} as ONNX Runtime's {@code DynamicQuantizeMatMul}: it quantises {@code x} to uint8
     * per run (over its own range, as {@code DynamicQuantizeLinear}), multiplies by {@code W} stored as int8
     * with one symmetric scale per output (VNNI's u8×s8 dot products) and scales the int32 sums back to float.
     */
    private void quantisedLinear(Node.Linear l, String out) {
        int outputs = l.weight().dim(0);
        int inputs = l.weight().dim(1);
        float[] w = l.weight().values();
        byte[] q = new byte[inputs * outputs]; // [in, out]: MatMul's B, not Gemm's transposed one
        float[] scales = new float[outputs];
        for (int o = 0; o < outputs; o++) {
            float max = 0;
            for (int i = 0; i < inputs; i++) {
                max = Math.max(max, Math.abs(w[o * inputs + i]));
            }
            float scale = max > 0 ? max / 127f : 1f;
            scales[o] = scale;
            for (int i = 0; i < inputs; i++) {
                q[i * outputs + o] = (byte) Math.round(w[o * inputs + i] / scale);
            }
        }
        String prefix = uniqueName(l.weight().name() + ".int8");
        String scaleName = uniqueName(prefix + ".scale");
        graphProto.message(GRAPH_INITIALIZER, int8Tensor(prefix, new int[] {inputs, outputs}, q));
        graphProto.message(GRAPH_INITIALIZER, tensor(scaleName, new int[] {outputs}, scales));
        weightBytes += q.length;
        List<String> in = new ArrayList<>(List.of(valueName(l.input()), prefix, scaleName, ""));
        if (l.bias() != null) {
            in.add(initializer(l.bias()));
        } else {
            in.remove(in.size() - 1); // no zero point and no bias: the optional inputs end early
        }
        node("DynamicQuantizeMatMul", MICROSOFT, "qgemm" + l.id(), in, out);
        quantised = true;
    }

    private static ProtoWriter int8Tensor(String name, int[] dims, byte[] values) {
        ProtoWriter t = new ProtoWriter();
        for (int d : dims) {
            t.varint(TENSOR_DIMS, d);
        }
        return t.varint(TENSOR_DATA_TYPE, DATA_TYPE_INT8).string(TENSOR_NAME, name).bytes(TENSOR_RAW_DATA, values);
    }

    /** The value a node produces: the graph input, the graph output, or an intermediate {@code x<id>}. */
    private String valueName(Node n) {
        if (n instanceof Node.Input) {
            return INPUT;
        }
        return n == graph.output() ? OUTPUT : "x" + n.id();
    }

    private void node(String opType, String name, List<String> inputs, String output, ProtoWriter... attributes) {
        node(opType, "", name, inputs, output, attributes);
    }

    private void node(String opType, String domain, String name, List<String> inputs, String output,
            ProtoWriter... attributes) {
        ProtoWriter node = new ProtoWriter();
        for (String in : inputs) {
            node.string(NODE_INPUT, in);
        }
        node.string(NODE_OUTPUT, output).string(NODE_NAME, name).string(NODE_OP_TYPE, opType);
        if (!domain.isEmpty()) {
            node.string(NODE_DOMAIN, domain);
        }
        for (ProtoWriter a : attributes) {
            node.message(NODE_ATTRIBUTE, a);
        }
        graphProto.message(GRAPH_NODE, node);
    }

    /** The initializer holding {@code p}, added on first use; a parameter used twice is stored once. */
    private String initializer(Parameter p) {
        String existing = initializerNames.get(p);
        if (existing != null) {
            return existing;
        }
        weightBytes += 4L * p.values().length;
        if (weightBytes > MAX_WEIGHT_BYTES) {
            throw new IllegalArgumentException("graph " + graph.name() + " has more than 2 GiB of weights, the"
                    + " limit of a single ONNX protobuf");
        }
        String name = uniqueName(p.name());
        initializerNames.put(p, name);
        graphProto.message(GRAPH_INITIALIZER, tensor(name, p.shape(), p.values()));
        return name;
    }

    private String uniqueName(String wanted) {
        String name = wanted;
        for (int i = 1; !usedNames.add(name); i++) {
            name = wanted + "_" + i;
        }
        return name;
    }

    private static ProtoWriter tensor(String name, int[] dims, float[] values) {
        ProtoWriter t = new ProtoWriter();
        for (int d : dims) {
            t.varint(TENSOR_DIMS, d);
        }
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        return t.varint(TENSOR_DATA_TYPE, DATA_TYPE_FLOAT).string(TENSOR_NAME, name).bytes(TENSOR_RAW_DATA, raw.array());
    }

    /** A float32 tensor value; each dimension is an Integer, a symbolic name, or null (unknown). */
    private static ProtoWriter valueInfo(String name, Object... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (Object d : dims) {
            ProtoWriter dim = new ProtoWriter();
            if (d instanceof Integer size) {
                dim.varint(DIM_VALUE, size);
            } else if (d instanceof String param) {
                dim.string(DIM_PARAM, param);
            }
            shape.message(SHAPE_DIM, dim);
        }
        ProtoWriter tensorType = new ProtoWriter().varint(TENSOR_TYPE_ELEM_TYPE, DATA_TYPE_FLOAT)
                .message(TENSOR_TYPE_SHAPE, shape);
        return new ProtoWriter().string(VALUE_INFO_NAME, name)
                .message(VALUE_INFO_TYPE, new ProtoWriter().message(TYPE_TENSOR_TYPE, tensorType));
    }

    private static ProtoWriter stringAttribute(String name, String value) {
        return new ProtoWriter().string(ATTRIBUTE_NAME, name).varint(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_STRING)
                .string(ATTRIBUTE_S, value);
    }

    private static ProtoWriter intAttribute(String name, long value) {
        return new ProtoWriter().string(ATTRIBUTE_NAME, name).varint(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INT)
                .varint(ATTRIBUTE_I, value);
    }

    private static ProtoWriter intsAttribute(String name, long... values) {
        ProtoWriter a = new ProtoWriter().string(ATTRIBUTE_NAME, name).varint(ATTRIBUTE_TYPE, ATTRIBUTE_TYPE_INTS);
        for (long v : values) {
            a.varint(ATTRIBUTE_INTS, v);
        }
        return a;
    }

    private static String producerVersion() {
        String v = OnnxModelBuilder.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
