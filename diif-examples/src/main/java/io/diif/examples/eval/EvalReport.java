package io.diif.examples.eval;

import io.diif.examples.cli.Messages;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The results of {@code diif eval}: a Markdown table of means per scale (with each model's RGB PSNR
 * gain over bicubic) and a CSV with every image. {@code methods} name the columns of
 * {@link ImageScores#byMethod()}; the first is the bicubic baseline.
 */
record EvalReport(String header, List<String> methods, int[] scales, List<ImageScores> rows, List<String> notes) {
    private static final int SKIPPED_NAMES_SHOWN = 5;

    /**
     * One image at one scale: the truth's size and each method's scores (null for a method that does not
     * render that scale), or why it was skipped.
     */
    record ImageScores(String image, String name, int scale, int width, int height, String skipped,
            List<Scores> byMethod) {
    }

    String markdown() {
        StringBuilder sb = new StringBuilder(header).append("\n\n| scale | images |");
        List<String> separator = new ArrayList<>(List.of("---", "---"));
        for (String metric : List.of("PSNR", "gain", "Y-PSNR", "SSIM")) {
            for (int m = metric.equals("gain") ? 1 : 0; m < methods.size(); m++) {
                sb.append(' ').append(metric.equals("gain") ? methods.get(m) + " gain" : metric + " " + methods.get(m))
                        .append(" |");
                separator.add("---:");
            }
        }
        sb.append("\n|").append(String.join("|", separator)).append("|\n");
        for (int scale : scales) {
            List<ImageScores> scored = rows.stream().filter(r -> r.scale() == scale && r.skipped() == null).toList();
            sb.append("| ×").append(scale).append(" | ").append(scored.size()).append(" |");
            double bicubic = mean(scored, 0, Scores::psnrRgb);
            for (int m = 0; m < methods.size(); m++) {
                sb.append(' ').append(decimals(mean(scored, m, Scores::psnrRgb), "%.2f")).append(" |");
            }
            for (int m = 1; m < methods.size(); m++) {
                sb.append(' ').append(decimals(mean(scored, m, Scores::psnrRgb) - bicubic, "%+.2f")).append(" |");
            }
            for (int m = 0; m < methods.size(); m++) {
                sb.append(' ').append(decimals(mean(scored, m, Scores::psnrY), "%.2f")).append(" |");
            }
            for (int m = 0; m < methods.size(); m++) {
                sb.append(' ').append(decimals(mean(scored, m, Scores::ssimY), "%.4f")).append(" |");
            }
            sb.append('\n');
        }
        sb.append("\n- Means over the images. PSNR: RGB, dB, a border of scale + ").append(Scores.DIV2K_EXTRA_SHAVE)
                .append(" px left out (DIV2K protocol); gain: RGB PSNR over bicubic. Y-PSNR and SSIM (11×11 Gaussian,"
                        + " σ 1.5): BT.601 luma, a border of scale px left out. The input is the antialiased bicubic"
                        + " downscale (PIL/PyTorch) of the truth, centre-cropped to a multiple of the scale; inputs and"
                        + " outputs are 8-bit.\n");
        skippedNotes(sb);
        notes.forEach(n -> sb.append("- ").append(n).append('\n'));
        return sb.toString();
    }

    /** Which images each scale left out and why, a few names per scale. */
    private void skippedNotes(StringBuilder sb) {
        Map<Integer, List<ImageScores>> skipped = new LinkedHashMap<>();
        rows.stream().filter(r -> r.skipped() != null)
                .forEach(r -> skipped.computeIfAbsent(r.scale(), s -> new ArrayList<>()).add(r));
        skipped.forEach((scale, list) -> {
            sb.append("- Skipped at ×").append(scale).append(", too small: ");
            for (int i = 0; i < Math.min(list.size(), SKIPPED_NAMES_SHOWN); i++) {
                sb.append(i == 0 ? "" : "; ").append(Messages.printable(list.get(i).name())).append(" (")
                        .append(list.get(i).skipped()).append(')');
            }
            sb.append(list.size() > SKIPPED_NAMES_SHOWN ? "; and " + (list.size() - SKIPPED_NAMES_SHOWN) + " more" : "")
                    .append(".\n");
        });
    }

    String csv() {
        StringBuilder sb = new StringBuilder("image,scale,width,height,skipped");
        for (String method : methods) {
            String m = method.toLowerCase(Locale.ROOT);
            sb.append(',').append(m).append("_psnr_rgb,").append(m).append("_psnr_y,").append(m).append("_ssim_y");
        }
        sb.append('\n');
        for (ImageScores r : rows) {
            sb.append(csvField(r.image())).append(',').append(r.scale()).append(',').append(r.width()).append(',')
                    .append(r.height()).append(',').append(r.skipped() == null ? "" : csvField(r.skipped()));
            for (int m = 0; m < methods.size(); m++) {
                Scores s = r.skipped() == null ? r.byMethod().get(m) : null;
                sb.append(',').append(s == null ? "" : csvNumber(s.psnrRgb())).append(',')
                        .append(s == null ? "" : csvNumber(s.psnrY())).append(',')
                        .append(s == null ? "" : csvNumber(s.ssimY()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** NaN when no image was scored; +infinity when some image was reproduced exactly. */
    private static double mean(List<ImageScores> scored, int method, ToDoubleFunction<Scores> metric) {
        return scored.stream().map(r -> r.byMethod().get(method)).filter(s -> s != null).mapToDouble(metric)
                .average().orElse(Double.NaN);
    }

    private static String decimals(double v, String format) {
        if (Double.isNaN(v)) {
            return "—";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "−∞";
        }
        return String.format(Locale.ROOT, format, v);
    }

    private static String csvNumber(double v) {
        return Double.isInfinite(v) ? (v > 0 ? "inf" : "-inf") : String.format(Locale.ROOT, "%.6f", v);
    }

    /** Quoted when it holds a comma, quote or line break (RFC 4180); names come from the file system. */
    private static String csvField(String s) {
        return s.matches("[^,\"\r\n]*") ? s : '"' + s.replace("\"", "\"\"") + '"';
    }
}
