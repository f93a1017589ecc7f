package io.diif.examples.eval;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Side-by-side panels of one place in an image: the input enlarged by pixel repetition, each method's
 * output and the truth, all enlarged by the same whole factor (nearest neighbour) so pixels stay visible,
 * each with a label underneath.
 */
final class ComparisonPicture {
    /** Side of the crop in truth pixels at ×4 (24 input pixels); other scales show about as much. */
    static final int CROP_SIDE = 96;
    /** The size panels are enlarged towards for viewing. */
    static final int PANEL_SIDE = 192;
    static final int GAP = 8;
    static final int LABEL_HEIGHT = 18;

    private ComparisonPicture() {
    }

    /** A square part of the truth grid at one scale: origin and side multiples of the scale. */
    record Crop(int x, int y, int side) {
        /** The crop nearest to being centred on (cx, cy), inside a {@code width × height} truth. */
        static Crop around(int cx, int cy, int scale, int width, int height) {
            int inputSide = Math.max(1, Math.min(Math.round((float) CROP_SIDE / scale), Math.min(width, height) / scale));
            int side = inputSide * scale;
            int x = Math.max(0, Math.min(width - side, Math.floorDiv(cx - side / 2, scale) * scale));
            int y = Math.max(0, Math.min(height - side, Math.floorDiv(cy - side / 2, scale) * scale));
            return new Crop(x, y, side);
        }
    }

    /**
     * The centre of the {@link #CROP_SIDE}-square window with the most detail (largest sum of squared
     * differences between neighbouring pixels), the first such in row order: one place per photo, so
     * every scale's picture shows it.
     */
    static int[] detailCentre(Rgb8 photo) {
        int w = photo.width();
        int h = photo.height();
        long[] integral = new long[(w + 1) * (h + 1)];
        for (int y = 0; y < h; y++) {
            long row = 0;
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    int v = photo.value(c, x, y);
                    int dx = x + 1 < w ? photo.value(c, x + 1, y) - v : 0;
                    int dy = y + 1 < h ? photo.value(c, x, y + 1) - v : 0;
                    row += dx * dx + dy * dy;
                }
                integral[(y + 1) * (w + 1) + x + 1] = integral[y * (w + 1) + x + 1] + row;
            }
        }
        int ww = Math.min(CROP_SIDE, w);
        int wh = Math.min(CROP_SIDE, h);
        long best = -1;
        int[] centre = {w / 2, h / 2};
        for (int y = 0; y + wh <= h; y++) {
            for (int x = 0; x + ww <= w; x++) {
                long energy = integral[(y + wh) * (w + 1) + x + ww] - integral[y * (w + 1) + x + ww]
                        - integral[(y + wh) * (w + 1) + x] + integral[y * (w + 1) + x];
                if (energy > best) {
                    best = energy;
                    centre = new int[] {x + ww / 2, y + wh / 2};
                }
            }
        }
        return centre;
    }

    /**
     * The picture of {@code crop}: the input's matching region, then each output with its label, then the
     * truth. Outputs and truth are the truth's size; the input is {@code scale} times smaller.
     */
    static BufferedImage draw(Crop crop, int scale, Rgb8 input, List<Rgb8> outputs, List<String> labels, Rgb8 truth) {
        int factor = Math.max(1, Math.round((float) PANEL_SIDE / crop.side()));
        List<BufferedImage> panels = new ArrayList<>();
        panels.add(input.crop(crop.x() / scale, crop.y() / scale, crop.side() / scale, crop.side() / scale)
                .toImage(factor * scale));
        for (Rgb8 output : outputs) {
            panels.add(output.crop(crop.x(), crop.y(), crop.side(), crop.side()).toImage(factor));
        }
        panels.add(truth.crop(crop.x(), crop.y(), crop.side(), crop.side()).toImage(factor));
        List<String> allLabels = new ArrayList<>();
        allLabels.add("input ×" + scale + ", pixels repeated");
        allLabels.addAll(labels);
        allLabels.add("ground truth");

        int side = crop.side() * factor;
        BufferedImage canvas = new BufferedImage(GAP + panels.size() * (side + GAP), 2 * GAP + side + LABEL_HEIGHT,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = canvas.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, canvas.getWidth(), canvas.getHeight());
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.setColor(Color.BLACK);
            for (int p = 0; p < panels.size(); p++) {
                int x = GAP + p * (side + GAP);
                g.drawImage(panels.get(p), x, GAP, null);
                int textWidth = g.getFontMetrics().stringWidth(allLabels.get(p));
                g.drawString(allLabels.get(p), x + Math.max(0, (side - textWidth) / 2), GAP + side + LABEL_HEIGHT - 4);
            }
        } finally {
            g.dispose();
        }
        return canvas;
    }
}
