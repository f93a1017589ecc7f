package io.diif.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The header parser accepts JSON as RFC 8259 spells it and nothing else. */
class JsonStrictnessTest {

    private static void rejects(String json, String fragment) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> Json.parse(json, "h.json"), json);
        assertTrue(e.getMessage().startsWith("h.json: invalid JSON at character "), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), () -> "'" + e.getMessage() + "' lacks '" + fragment + "'");
    }

    @Test
    @DisplayName("numbers follow the JSON grammar: no leading zeros, bare signs, dangling dots or exponents")
    void numbers() {
        assertEquals(0L, Json.parse("0", "h"));
        assertEquals(-12L, Json.parse("-12", "h"));
        assertEquals(1.5e-3, Json.parse("1.5e-3", "h"));
        assertEquals(2.0e10, Json.parse("2E+10", "h"));
        assertEquals(9.223372036854775808E18, Json.parse("9223372036854775808", "h"));
        for (String bad : List.of("01", "-", "+1", "1.", ".5", "1e", "1e+", "--1", "1-2", "0x10", "NaN", "Infinity",
            "-Infinity", "1f", "1d")) {
            assertThrows(ModelFormatException.class, () -> Json.parse(bad, "h"), bad);
        }
        rejects("1" + "0".repeat(500), "more than");
    }

    @Test
    @DisplayName("duplicate keys, deep nesting, control characters and trailing text are refused")
    void structure() {
        rejects("{\"a\":1,\"a\":2}", "duplicate key \"a\"");
        rejects("[".repeat(Json.MAX_DEPTH + 2) + "]".repeat(Json.MAX_DEPTH + 2), "nesting");
        rejects("\"a\u0001b\"", "control character");
        rejects("{} {}", "trailing");
        rejects("{\"a\":1,}", "expected a string key");
        rejects("[1,]", "unexpected character ']'");
        rejects("\u001b[31m", "U+001B");
        rejects("\"\\u12\"", "\\u");
        rejects("\"\\x\"", "bad escape");
        rejects("", "unexpected end");
        rejects("{\"a\"", "unexpected end");
        rejects("tru", "unexpected token");
        Map<?, ?> m = (Map<?, ?>) Json.parse(" {\"k\" : [true, false, null, \"\\u00e9\\n\"] } ", "h");
        assertEquals(List.of(true, false, "é\n"), ((List<?>) m.get("k")).stream().filter(x -> x != null).toList());
    }
}
