package io.diif.examples.cli;

import io.diif.model.ModelFormatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Locale;

/** How the command line words failures: one printable line each. */
public final class Messages {
    private Messages() {
    }

    /** The failure as one printable line: its message, with the exception type where the message alone is unclear. */
    public static String oneLine(Throwable e) {
        if (e instanceof OutOfMemoryError) {
            return "out of memory (" + e.getMessage() + "); give Java more with DIIF_JAVA_OPTS=-Xmx8g, or ask for a"
                    + " smaller output";
        }
        if (e instanceof StackOverflowError) {
            return "stack overflow (StackOverflowError); run with --verbose and report it";
        }
        String m = e.getMessage();
        if (e instanceof UncheckedIOException && e.getCause() != null) {
            m = e.getCause().getMessage();
        }
        if (m == null || m.isBlank()) {
            m = e.getClass().getSimpleName();
        } else if (e instanceof NoSuchFileException && !m.contains("no such file")) {
            m = m + ": no such file";
        } else if (e instanceof AccessDeniedException) {
            m = m + ": permission denied";
        } else if (e instanceof FileSystemException fse && fse.getReason() == null) {
            m = m + ": " + e.getClass().getSimpleName(); // e.g. FileAlreadyExistsException: the path alone is unclear
        } else if (!(e instanceof IllegalArgumentException || e instanceof IllegalStateException
                || e instanceof IOException || e instanceof ModelFormatException || e instanceof UncheckedIOException)) {
            m = e.getClass().getSimpleName() + ": " + m;
        }
        return printable(m);
    }

    /**
     * One line without control characters: file names, tensor names and metadata come from hostile
     * files, and an escape sequence must not reach the terminal.
     */
    public static String printable(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(Math.min(s.length(), 2000));
        for (int i = 0; i < s.length() && sb.length() < 2000; i++) {
            char c = s.charAt(i);
            if (c == '\n' || c == '\r' || c == '\t') {
                sb.append(' ');
            } else if (c < 0x20 || (c >= 0x7f && c < 0xa0) || c == '\u2028' || c == '\u2029') {
                sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        if (sb.length() >= 2000) {
            sb.append("...");
        }
        return sb.toString();
    }
}
