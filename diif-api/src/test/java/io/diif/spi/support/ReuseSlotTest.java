package io.diif.spi.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReuseSlotTest {
    private final List<String> freed = new ArrayList<>();
    private final ReuseSlot<String> slot = new ReuseSlot<>(freed::add);

    @Test
    void givesBackOnlyWhatFitsAndOnlyOnce() {
        assertNull(slot.take(s -> true), "empty");
        String a = new String("a");
        slot.give(a);
        assertNull(slot.take(s -> s.length() == 2), "does not fit");
        assertSame(a, slot.take(s -> s.length() == 1));
        assertNull(slot.take(s -> true), "taken");
        assertEquals(List.of(), freed);
    }

    @Test
    void keepsTheNewestAndFreesTheOneItReplaces() {
        slot.give("old");
        slot.give("new");
        assertEquals(List.of("old"), freed);
        assertEquals("new", slot.take(s -> true));
    }

    @Test
    void closeFreesTheKeptOneAndEveryLaterOne() {
        slot.give("kept");
        slot.close();
        slot.close();
        assertEquals(List.of("kept"), freed);
        slot.give("late");
        assertEquals(List.of("kept", "late"), freed);
        assertNull(slot.take(s -> true));
    }
}
