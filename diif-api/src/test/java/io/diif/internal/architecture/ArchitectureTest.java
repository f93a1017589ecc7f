package io.diif.internal.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.diif.model.ModelConfig;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
    /** Every concrete decoder config the sealed hierarchy permits, found by walking it. */
    private static Set<Class<?>> concreteDecoderConfigs() {
        Set<Class<?>> found = new HashSet<>();
        Deque<Class<?>> todo = new ArrayDeque<>();
        todo.push(ModelConfig.DecoderConfig.class);
        while (!todo.isEmpty()) {
            Class<?> c = todo.pop();
            if (c.isSealed()) {
                for (Class<?> sub : c.getPermittedSubclasses()) {
                    todo.push(sub);
                }
            } else {
                assertFalse(c.isInterface(), c + " is an open interface: the walk cannot be complete");
                found.add(c);
            }
        }
        return found;
    }

    @Test
    void everyDecoderConfigHasExactlyOneArchitecture() {
        Set<Class<?>> configs = concreteDecoderConfigs();
        Set<Class<?>> handled = new HashSet<>();
        for (Architecture a : Architecture.values()) {
            assertTrue(handled.add(a.configType()), a + " repeats " + a.configType());
        }
        assertEquals(configs, handled);
        assertTrue(configs.size() >= 7, "the walk found " + configs);
    }
}
