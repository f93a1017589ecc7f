package io.diif.tck;

import io.diif.internal.output.Npy;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * The reference vectors of the authors' code, shipped in this jar: DIIF and LIIF under {@value #ROOT},
 * the model zoo (RDN encoder, LTE, DLTE) under {@value #ZOO_ROOT}, the paper's baselines and ablations
 * (MetaSR, DIIF w/o slice ensemble, fixed-scale EDSR, deeper C2F-MLPs, LM-LIIF) under {@value #BASELINES_ROOT}.
 */
public final class Golden {
    /** Class-path folder of the golden set (a copy of shared/golden). */
    public static final String ROOT = "io/diif/tck/golden/";
    /** Class-path folder of the model-zoo set (a copy of shared/golden-zoo). */
    public static final String ZOO_ROOT = "io/diif/tck/golden-zoo/";
    /** Class-path folder of the baselines set (a copy of shared/golden-baselines). */
    public static final String BASELINES_ROOT = "io/diif/tck/golden-baselines/";
    /** Absolute tolerance on raw normalised outputs (the reference README's figure). */
    public static final float TOLERANCE = 1e-5f;

    private Golden() {
    }

    /**
     * One case of a {@code cases.json}: a model rendered from {@link #input()} at one output size.
     *
     * @param root the class-path folder of the set the case belongs to
     * @param model the model's file name in that folder
     * @param width the output width
     * @param height the output height
     * @param output the file name of the expected raw output ({@code .npy}, {@code [3, H, W]})
     */
    public record Case(String root, String model, int width, int height, String output) {
        @Override
        public String toString() {
            return model.replace(".safetensors", "") + " at " + width + "x" + height;
        }
    }

    /**
     * The DIIF and LIIF cases.
     *
     * @return the cases of {@value #ROOT}
     * @throws IllegalStateException if the set is missing or lists no case
     */
    public static List<Case> cases() {
        return cases(ROOT);
    }

    /**
     * The model-zoo cases: rdn-diif, lte, dlte.
     *
     * @return the cases of {@value #ZOO_ROOT}
     * @throws IllegalStateException if the set is missing or lists no case
     */
    public static List<Case> zooCases() {
        return cases(ZOO_ROOT);
    }

    /**
     * The baseline and ablation cases: metasr, diif-wo-se, edsr-x2/x3/x4, diif-c4f3, diif-c2f5, lmliif.
     *
     * @return the cases of {@value #BASELINES_ROOT}
     * @throws IllegalStateException if the set is missing or lists no case
     */
    public static List<Case> baselineCases() {
        return cases(BASELINES_ROOT);
    }

    private static List<Case> cases(String root) {
        String json = new String(bytes(root + "cases.json"), java.nio.charset.StandardCharsets.UTF_8);
        // cases.json is flat and written by the reference tooling: a regex over its objects is enough here.
        Pattern p = Pattern.compile("\"model\":\\s*\"([^\"]+)\",\\s*\"out_width\":\\s*(\\d+),\\s*\"out_height\":\\s*(\\d+),"
                + "\\s*\"output\":\\s*\"([^\"]+)\"");
        Matcher m = p.matcher(json);
        List<Case> cases = new ArrayList<>();
        while (m.find()) {
            cases.add(new Case(root, m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    m.group(4)));
        }
        if (cases.isEmpty()) {
            throw new IllegalStateException("no cases found in " + root + "cases.json");
        }
        return cases;
    }

    /**
     * The input every case was rendered from.
     *
     * @return the 40×32 RGB image
     * @throws IllegalStateException if the resource is missing
     * @throws UncheckedIOException if it cannot be read
     */
    public static BufferedImage input() {
        try (InputStream in = stream(ROOT + "input.png")) {
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The expected raw output of a case.
     *
     * @param c the case
     * @return its values, {@code [3, H, W]} row-major, normalised as the model outputs them
     * @throws IllegalStateException if the resource is missing
     * @throws UncheckedIOException if it cannot be read
     */
    public static float[] expected(Case c) {
        return Npy.readFloat32(bytes(c.root() + c.output()));
    }

    /**
     * Finds a golden file by name: the reference set's, else the model zoo's, else the baselines'.
     *
     * @param file a file name, e.g. {@code model-liif.safetensors}
     * @return its class-path resource name (in the reference set's folder if no set has it)
     */
    public static String resource(String file) {
        ClassLoader cl = Golden.class.getClassLoader();
        for (String root : List.of(ROOT, ZOO_ROOT, BASELINES_ROOT)) {
            if (cl.getResource(root + file) != null) {
                return root + file;
            }
        }
        return ROOT + file;
    }

    static byte[] bytes(String resource) {
        try (InputStream in = stream(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static InputStream stream(String resource) {
        InputStream in = Golden.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("missing golden resource " + resource);
        }
        return in;
    }
}
