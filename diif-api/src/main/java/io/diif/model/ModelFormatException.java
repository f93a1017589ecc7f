package io.diif.model;

/**
 * A model file that cannot be used: its message names the file, the tensor or field, and the rule broken.
 *
 * <p>The message is one line of printable text: names and values quoted from a hostile file may hold
 * line breaks or terminal escape sequences, so control characters are written as {@code \xNN}.
 */
public class ModelFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception whose message is made printable.
     *
     * @param message names the file, the tensor or field, and the rule broken
     */
    public ModelFormatException(String message) {
        super(printable(message));
    }

    /**
     * An exception whose message is made printable, with the failure that revealed the problem.
     *
     * @param message names the file, the tensor or field, and the rule broken
     * @param cause the underlying failure
     */
    public ModelFormatException(String message, Throwable cause) {
        super(printable(message), cause);
    }

    /** {@code s} with C0 and C1 control characters (line breaks, ESC, …) written as {@code \xNN}. */
    static String printable(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029';
            if (control && sb == null) {
                sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            }
            if (sb != null) {
                if (control) {
                    sb.append(String.format(java.util.Locale.ROOT, "\\x%02x", (int) c));
                } else {
                    sb.append(c);
                }
            }
        }
        return sb == null ? s : sb.toString();
    }
}
