package dev.anchor.cli;

import java.io.PrintWriter;
import java.util.Locale;

/** A console report in titled sections of aligned rows: a label column, then the value. */
final class Report {
    /** Width of the label column, its two-space indent included. */
    private static final int LABEL = 26;

    private final PrintWriter out;

    Report(PrintWriter out) {
        this.out = out;
    }

    /** A blank line, then the title. */
    void section(String title) {
        out.println();
        out.println(title);
        out.flush();
    }

    void line(String text) {
        out.println(text);
        out.flush();
    }

    void row(String label, String value) {
        String cell = "  " + label;
        out.println(cell.length() < LABEL ? cell + " ".repeat(LABEL - cell.length()) + value : cell + "  " + value);
        out.flush();
    }

    /** A value that goes on from the row above, aligned with it. */
    void more(String value) {
        row("", value);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String bytes(double n) {
        if (Math.abs(n) >= 1 << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", n / (1 << 20));
        }
        if (Math.abs(n) >= 1 << 10) {
            return String.format(Locale.ROOT, "%.1f KiB", n / (1 << 10));
        }
        return String.format(Locale.ROOT, "%.0f bytes", n);
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    /** {@code n} of something, e.g. {@code 1 backend}, {@code 3 backends}. */
    static String plural(long n, String thing) {
        return count(n) + " " + thing + (n == 1 ? "" : "s");
    }
}
