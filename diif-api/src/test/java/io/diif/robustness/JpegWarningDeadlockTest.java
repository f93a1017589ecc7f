package io.diif.robustness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.internal.imaging.ImageFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * A JPEG that makes libjpeg warn can deadlock a JDK 17 JVM (found by fuzzing: the JPEG reader builds
 * the warning's String inside a JNI critical region, and a GC due at that moment blocks every
 * allocating thread forever). ImageFiles must refuse such files before ImageIO parses them.
 */
@DisplayName("JPEG warnings never reach ImageIO's deadlock")
class JpegWarningDeadlockTest {

    @Test
    @DisplayName("garbage between JPEG segments and a missing end marker are refused before decoding")
    void refusedEarly() {
        IOException e = assertThrows(IOException.class,
                () -> ImageFiles.read(JpegWarningLoop.garbageBeforeMarker(), "garbage.jpg", 1 << 20));
        assertTrue(e.getMessage().contains("extraneous bytes before a marker"), e.getMessage());
        byte[] whole = Images.encode(Images.pattern(32, 24, java.awt.image.BufferedImage.TYPE_INT_RGB), "jpg");
        for (int cut : new int[] {2, 5, 30, whole.length / 2, whole.length - 1}) {
            e = assertThrows(IOException.class,
                    () -> ImageFiles.read(java.util.Arrays.copyOf(whole, cut), "cut.jpg", 1 << 20));
            assertTrue(e.getMessage().contains("truncated JPEG") || e.getMessage().contains("corrupt JPEG"),
                    e.getMessage());
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    @DisplayName("a small-heap JVM decoding such files while another thread allocates finishes (no deadlock)")
    void noDeadlockUnderGcPressure() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx32m", "-cp", System.getProperty("java.class.path"),
                JpegWarningLoop.class.getName(), "3").redirectErrorStream(true).start();
        boolean done = p.waitFor(60, TimeUnit.SECONDS);
        if (!done) {
            p.destroyForcibly();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done, "the child JVM hung (GCLocker deadlock in the JPEG reader?)");
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("decodes "), out);
    }
}
