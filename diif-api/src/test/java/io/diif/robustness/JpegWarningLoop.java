package io.diif.robustness;

import io.diif.internal.imaging.ImageFiles;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/**
 * Child process of {@link JpegWarningDeadlockTest}: decodes a JPEG that makes libjpeg warn while its
 * header is read, over and over, while another thread allocates (so a GC is often due), in a small
 * heap. JDK 17's JPEG reader allocates the warning's string inside a JNI critical region; when a GC is
 * due at that moment the whole JVM deadlocks in GCLocker::stall_until_clear. Through
 * {@link ImageFiles} the file is refused before ImageIO sees it, so this loop finishes.
 *
 * <p>{@code java -Xmx32m -cp ... io.diif.robustness.JpegWarningLoop SECONDS raw} calls ImageIO directly
 * instead, to reproduce the JDK defect (the process hangs; kill it with SIGKILL).
 */
public final class JpegWarningLoop {
    static volatile Object sink;

    private JpegWarningLoop() {
    }

    /** A 16×16 baseline JPEG with 7 bytes of garbage before its second marker. */
    static byte[] garbageBeforeMarker() {
        byte[] j = Images.encode(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB), "jpg");
        int at = 4 + (((j[4] & 0xff) << 8) | (j[5] & 0xff)); // after SOI and APP0
        byte[] bad = new byte[j.length + 7];
        System.arraycopy(j, 0, bad, 0, at);
        for (int i = 0; i < 7; i++) {
            bad[at + i] = (byte) (0x11 * (i + 1));
        }
        System.arraycopy(j, at, bad, at + 7, j.length - at);
        return bad;
    }

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[0]);
        boolean raw = args.length > 1 && args[1].equals("raw");
        byte[] bad = garbageBeforeMarker();
        Thread churn = new Thread(() -> {
            while (true) {
                sink = new byte[4096];
            }
        });
        churn.setDaemon(true);
        churn.start();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long decodes = 0;
        while (System.nanoTime() < end) {
            try {
                if (raw) {
                    ImageIO.read(new ByteArrayInputStream(bad));
                } else {
                    ImageFiles.read(bad, "garbage.jpg", 1 << 20);
                    throw new IllegalStateException("a JPEG with garbage between segments was accepted");
                }
            } catch (IOException expected) {
                // refused
            }
            decodes++;
        }
        System.out.println("decodes " + decodes);
    }
}
