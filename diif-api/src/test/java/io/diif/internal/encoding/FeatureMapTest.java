package io.diif.internal.encoding;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.diif.Window;
import org.junit.jupiter.api.Test;

class FeatureMapTest {
    /** A 3-channel 5×4 map whose value names its place: c·100 + y·10 + x + 1 (never 0). */
    private static FeatureMap map() {
        float[] data = new float[3 * 5 * 4];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 5; y++) {
                for (int x = 0; x < 4; x++) {
                    data[(c * 5 + y) * 4 + x] = c * 100 + y * 10 + x + 1;
                }
            }
        }
        return new FeatureMap(data, 3, 5, 4);
    }

    private static void assertChannelsLastIsTheWindowTransposed(FeatureMap m, int y0, int y1, int x0, int x1) {
        int h = y1 - y0;
        int w = x1 - x0;
        float[] chw = m.window(y0, y1, x0, x1);
        float[] hwc = m.windowChannelsLast(y0, y1, x0, x1);
        assertEquals(chw.length, hwc.length);
        for (int c = 0; c < m.channels(); c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    assertEquals(chw[(c * h + y) * w + x], hwc[(y * w + x) * m.channels() + c],
                            "channel " + c + " at (" + (y0 + y) + ", " + (x0 + x) + ")");
                }
            }
        }
    }

    @Test
    void aChannelsLastWindowHoldsTheSameValuesAsAChannelMajorOneZeroOutsideTheMap() {
        FeatureMap m = map();
        assertChannelsLastIsTheWindowTransposed(m, 0, 5, 0, 4);
        assertChannelsLastIsTheWindowTransposed(m, -2, 7, -1, 6);
        assertChannelsLastIsTheWindowTransposed(m, 3, 4, 1, 3);
        assertChannelsLastIsTheWindowTransposed(m, -3, -1, 0, 4); // wholly outside: zeros
        float[] hwc = m.windowChannelsLast(-1, 1, -1, 1);
        assertEquals(0f, hwc[0]); // (−1, −1) is padding
        assertEquals(101f, hwc[(1 * 2 + 1) * 3 + 1]); // channel 1 at (0, 0)
    }

    @Test
    void aChannelsLastWindowOfAStoredRegionReadsWholeMapCoordinates() {
        FeatureMap whole = map();
        Window region = new Window(1, 2, 2, 3); // x 1–2, y 2–4
        FeatureMap part = new FeatureMap(whole.window(region), 3, 5, 4, region);
        float[] hwc = part.windowChannelsLast(2, 5, 1, 3);
        float[] expected = whole.windowChannelsLast(2, 5, 1, 3);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], hwc[i], "value " + i);
        }
        assertChannelsLastIsTheWindowTransposed(part, 0, 5, 0, 4);
    }
}
