package io.diif.server;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The region, size, rotation, quality and format parameters of a IIIF Image API 3.0 image request, parsed
 * and checked for syntax; {@link #resolve} turns them into pixels of a particular image.
 */
record ImageRequest(Region region, Size size, boolean mirror, int rotation, Quality quality, Format format) {
    private static final String NUMBER = "(\\d+(?:\\.\\d*)?|\\.\\d+)";
    private static final Pattern PIXELS = Pattern.compile("(\\d+),(\\d+),(\\d+),(\\d+)");
    private static final Pattern PERCENT = Pattern.compile("pct:" + NUMBER + "," + NUMBER + "," + NUMBER + ","
            + NUMBER);
    private static final Pattern SIZE_PCT = Pattern.compile("pct:" + NUMBER);
    private static final Pattern SIZE_WH = Pattern.compile("(!?)(\\d*),(\\d*)");
    private static final Pattern ROTATION = Pattern.compile("(!?)" + NUMBER);

    /** Region forms; coordinates in the image's pixels or percent of its size. */
    sealed interface Region {
    }

    record Full() implements Region {
    }

    record Square() implements Region {
    }

    record Pixels(long x, long y, long width, long height) implements Region {
    }

    record Percent(double x, double y, double width, double height) implements Region {
    }

    /** Size forms: {@code kind} with its numbers, {@code upscale} for a leading {@code ^}. */
    record Size(SizeKind kind, boolean upscale, long width, long height, double percent) {
    }

    enum SizeKind { MAX, WIDTH, HEIGHT, PERCENT, EXACT, CONFINED }

    enum Quality { DEFAULT, COLOR, GRAY, BITONAL }

    /** Output formats: the URL extension, the ImageIO writer name and the media type. */
    enum Format {
        JPG("jpg", "jpeg", "image/jpeg"), PNG("png", "png", "image/png"), TIF("tif", "tiff", "image/tiff"),
        GIF("gif", "gif", "image/gif");

        final String extension;
        final String writer;
        final String mediaType;

        Format(String extension, String writer, String mediaType) {
            this.extension = extension;
            this.writer = writer;
            this.mediaType = mediaType;
        }
    }

    /** The pixels a request resolves to on an image: the region, in its pixels, and the output size. */
    record Resolved(Box region, int width, int height) {
    }

    /**
     * Server limits on one response: {@code maxWidth}, {@code maxHeight}, {@code maxArea}, and the largest
     * scale of a region that {@code ^max} may pick (--max-zoom over the source).
     */
    record Limits(long maxWidth, long maxHeight, long maxArea, double maxScale) {
    }

    /** Parses the four path segments after the identifier (the last one is {@code quality.format}). */
    static ImageRequest parse(String region, String size, String rotation, String qualityFormat)
            throws IiifException {
        int dot = qualityFormat.lastIndexOf('.');
        if (dot <= 0 || dot == qualityFormat.length() - 1) {
            throw IiifException.badRequest("'" + qualityFormat + "' must be quality.format, e.g. default.jpg");
        }
        return new ImageRequest(parseRegion(region), parseSize(size), rotation.startsWith("!"),
                parseRotation(rotation), parseQuality(qualityFormat.substring(0, dot)),
                parseFormat(qualityFormat.substring(dot + 1)));
    }

    static Region parseRegion(String s) throws IiifException {
        if (s.equals("full")) {
            return new Full();
        }
        if (s.equals("square")) {
            return new Square();
        }
        Matcher m = PIXELS.matcher(s);
        if (m.matches()) {
            Pixels p = new Pixels(integer(m.group(1), "region"), integer(m.group(2), "region"),
                    integer(m.group(3), "region"), integer(m.group(4), "region"));
            if (p.width() == 0 || p.height() == 0) {
                throw IiifException.badRequest("region " + s + " has a zero width or height");
            }
            return p;
        }
        m = PERCENT.matcher(s);
        if (m.matches()) {
            Percent p = new Percent(number(m.group(1)), number(m.group(2)), number(m.group(3)), number(m.group(4)));
            if (p.width() <= 0 || p.height() <= 0) {
                throw IiifException.badRequest("region " + s + " has a zero width or height");
            }
            if (p.x() > 100 || p.y() > 100) {
                throw IiifException.badRequest("region " + s + " starts outside the image (over 100%)");
            }
            return p;
        }
        throw IiifException.badRequest("region '" + s + "' is not full, square, x,y,w,h or pct:x,y,w,h");
    }

    static Size parseSize(String s) throws IiifException {
        boolean up = s.startsWith("^");
        String t = up ? s.substring(1) : s;
        if (t.equals("max")) {
            return new Size(SizeKind.MAX, up, 0, 0, 0);
        }
        Matcher m = SIZE_PCT.matcher(t);
        if (m.matches()) {
            double pct = number(m.group(1));
            if (pct <= 0) {
                throw IiifException.badRequest("size " + s + " must be above 0%");
            }
            if (pct > 100 && !up) {
                throw IiifException.badRequest("size " + s + " is over 100% without the ^ (upscaling) prefix");
            }
            return new Size(SizeKind.PERCENT, up, 0, 0, pct);
        }
        m = SIZE_WH.matcher(t);
        if (m.matches()) {
            boolean confined = !m.group(1).isEmpty();
            boolean hasW = !m.group(2).isEmpty();
            boolean hasH = !m.group(3).isEmpty();
            long w = hasW ? integer(m.group(2), "size") : 0;
            long h = hasH ? integer(m.group(3), "size") : 0;
            if ((hasW && w == 0) || (hasH && h == 0)) {
                throw IiifException.badRequest("size " + s + " has a zero width or height");
            }
            if (confined && hasW && hasH) {
                return new Size(SizeKind.CONFINED, up, w, h, 0);
            }
            if (!confined && hasW && hasH) {
                return new Size(SizeKind.EXACT, up, w, h, 0);
            }
            if (!confined && hasW) {
                return new Size(SizeKind.WIDTH, up, w, 0, 0);
            }
            if (!confined && hasH) {
                return new Size(SizeKind.HEIGHT, up, 0, h, 0);
            }
        }
        throw IiifException.badRequest("size '" + s + "' is not max, w,, ,h, pct:n, w,h or !w,h (each with an"
                + " optional ^)");
    }

    static int parseRotation(String s) throws IiifException {
        Matcher m = ROTATION.matcher(s);
        if (!m.matches()) {
            throw IiifException.badRequest("rotation '" + s + "' is not a number of degrees, optionally after !");
        }
        double degrees = number(m.group(2));
        if (degrees > 360) {
            throw IiifException.badRequest("rotation " + s + " is over 360 degrees");
        }
        if (degrees % 90 != 0) {
            throw IiifException.notImplemented("rotation " + s + ": only multiples of 90 degrees are supported");
        }
        return (int) degrees % 360;
    }

    static Quality parseQuality(String s) throws IiifException {
        return switch (s) {
            case "default" -> Quality.DEFAULT;
            case "color" -> Quality.COLOR;
            case "gray" -> Quality.GRAY;
            case "bitonal" -> Quality.BITONAL;
            default -> throw IiifException.badRequest("quality '" + s + "' is not default, color, gray or bitonal");
        };
    }

    static Format parseFormat(String s) throws IiifException {
        for (Format f : Format.values()) {
            if (f.extension.equals(s)) {
                return f;
            }
        }
        if (s.equals("jp2") || s.equals("pdf") || s.equals("webp")) {
            throw IiifException.notImplemented("format " + s + " is not supported; use jpg, png, tif or gif");
        }
        throw IiifException.badRequest("format '" + s + "' is not jpg, png, tif or gif");
    }

    /**
     * The region in the pixels of a {@code width × height} image (clipped to it) and the output size,
     * within {@code limits}.
     */
    Resolved resolve(int width, int height, Limits limits) throws IiifException {
        Box box = regionBox(width, height);
        long rw = box.width();
        long rh = box.height();
        long ow;
        long oh;
        switch (size.kind()) {
            case MAX -> {
                double scale = Math.min(Math.min((double) limits.maxWidth() / rw, (double) limits.maxHeight() / rh),
                        Math.sqrt((double) limits.maxArea() / (rw * rh)));
                scale = Math.min(scale, size.upscale() ? limits.maxScale() : 1);
                ow = Math.max(1, (long) Math.floor(rw * scale + 1e-9));
                oh = Math.max(1, (long) Math.floor(rh * scale + 1e-9));
            }
            case WIDTH -> {
                ow = size.width();
                oh = Math.max(1, Math.round((double) rh * ow / rw));
            }
            case HEIGHT -> {
                oh = size.height();
                ow = Math.max(1, Math.round((double) rw * oh / rh));
            }
            case PERCENT -> {
                ow = Math.round(rw * size.percent() / 100);
                oh = Math.round(rh * size.percent() / 100);
                if (ow < 1 || oh < 1) {
                    throw IiifException.badRequest("size pct:" + size.percent() + " of a " + rw + "x" + rh
                            + " region is less than one pixel");
                }
            }
            case EXACT -> {
                ow = size.width();
                oh = size.height();
            }
            case CONFINED -> {
                // Without ^ a box larger than the region is an upscale, refused below (as the IIIF validator
                // expects), not clamped to the region.
                double scale = Math.min((double) size.width() / rw, (double) size.height() / rh);
                ow = Math.min(size.width(), Math.max(1, Math.round(rw * scale)));
                oh = Math.min(size.height(), Math.max(1, Math.round(rh * scale)));
            }
            default -> throw new IllegalStateException(size.kind().toString());
        }
        if (!size.upscale() && (ow > rw || oh > rh)) {
            throw IiifException.badRequest("size " + ow + "x" + oh + " is larger than the " + rw + "x" + rh
                    + " region; upscaling needs the ^ prefix");
        }
        if (ow > limits.maxWidth() || oh > limits.maxHeight() || ow * oh > limits.maxArea()) {
            throw IiifException.badRequest(String.format(Locale.ROOT,
                    "size %dx%d is over this image's limits (maxWidth %d, maxHeight %d, maxArea %d)", ow, oh,
                    limits.maxWidth(), limits.maxHeight(), limits.maxArea()));
        }
        return new Resolved(box, (int) ow, (int) oh);
    }

    private Box regionBox(int width, int height) throws IiifException {
        if (region instanceof Full) {
            return new Box(0, 0, width, height);
        }
        if (region instanceof Square) {
            int side = Math.min(width, height);
            return new Box((width - side) / 2, (height - side) / 2, side, side);
        }
        double x;
        double y;
        double w;
        double h;
        if (region instanceof Pixels p) {
            x = p.x();
            y = p.y();
            w = p.width();
            h = p.height();
        } else {
            Percent p = (Percent) region;
            x = Math.round(p.x() * width / 100);
            y = Math.round(p.y() * height / 100);
            w = Math.round(p.width() * width / 100);
            h = Math.round(p.height() * height / 100);
        }
        if (x >= width || y >= height) {
            throw IiifException.badRequest("region starts at " + (long) x + "," + (long) y + ", outside the "
                    + width + "x" + height + " image");
        }
        int bw = (int) Math.min(w, width - x);
        int bh = (int) Math.min(h, height - y);
        if (bw < 1 || bh < 1) {
            throw IiifException.badRequest("region is less than one pixel of the " + width + "x" + height
                    + " image");
        }
        return new Box((int) x, (int) y, bw, bh);
    }

    private static long integer(String s, String what) throws IiifException {
        if (s.length() > 10) {
            throw IiifException.badRequest(what + " value " + s + " is too large");
        }
        long v = Long.parseLong(s);
        if (v > Integer.MAX_VALUE) {
            throw IiifException.badRequest(what + " value " + s + " is too large");
        }
        return v;
    }

    private static double number(String s) throws IiifException {
        if (s.length() > 20) {
            throw IiifException.badRequest("number " + s + " is too long");
        }
        return Double.parseDouble(s);
    }
}
