package dev.anchor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Chapter 1's table of roles names, for each implementation, the class (or method) that plays each
 * role. The table is prose a reader trusts; this keeps it true of the code: every name in a column
 * is a class of that implementation's package, or a method of one.
 */
class RolesTableTest {
    private static final Path CHAPTER = Path.of("..", "chapters", "01-setup-and-tour.adoc");
    private static final String[] PACKAGES = {"dev.anchor.blocking", "dev.anchor.nio", "dev.anchor.netty"};
    /** A code name in a cell: {@code Relay}, or {@code Leg.finish}. */
    private static final java.util.Set<String> FRAMEWORK = java.util.Set.of("ChannelInitializer", "Channel");
    private static final Pattern NAME = Pattern.compile("`([A-Z][A-Za-z]+)(?:\\.([a-z][A-Za-z]*))?`");

    @Test
    void everyClassTheRolesTableNamesExistsInItsImplementation() throws IOException {
        List<String[]> rows = rows();
        assertThat(rows).as("rows of the roles table").hasSizeGreaterThanOrEqualTo(10);
        List<String> checked = new ArrayList<>();
        for (String[] row : rows) {
            for (int impl = 0; impl < PACKAGES.length; impl++) {
                Matcher m = NAME.matcher(row[impl + 1]);
                while (m.find()) {
                    if (FRAMEWORK.contains(m.group(1))) {
                        continue; // Netty's own, named to say what ours is
                    }
                    String cls = PACKAGES[impl] + "." + m.group(1);
                    Class<?> found = load(cls, row[0]);
                    if (m.group(2) != null) {
                        assertThat(hasMethod(found, m.group(2))).as("%s has a method %s (role: %s)", cls, m.group(2), row[0]).isTrue();
                    }
                    checked.add(cls);
                }
            }
        }
        assertThat(checked).as("classes checked").hasSizeGreaterThanOrEqualTo(25);
    }

    /** The table's rows after its header, each split into its four cells. */
    private static List<String[]> rows() throws IOException {
        List<String> lines = Files.readAllLines(CHAPTER);
        int start = lines.indexOf("== The roles, and where each lives");
        assertThat(start).as("chapter 1 has the roles section").isNotNegative();
        List<String[]> rows = new ArrayList<>();
        boolean inTable = false;
        for (String line : lines.subList(start, lines.size())) {
            if (line.equals("|===")) {
                if (inTable) {
                    break;
                }
                inTable = true;
                continue;
            }
            if (inTable && line.startsWith("| ") && !line.startsWith("| role ")) {
                String[] cells = line.substring(2).split(" \\| ", 4);
                if (cells.length == 4) {
                    rows.add(cells);
                }
            }
        }
        return rows;
    }

    private static Class<?> load(String name, String role) {
        try {
            return Class.forName(name, false, RolesTableTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError("chapter 1 names " + name + " for the role '" + role + "', and there is no such class");
        }
    }

    private static boolean hasMethod(Class<?> c, String method) {
        for (var m : c.getDeclaredMethods()) {
            if (m.getName().equals(method)) {
                return true;
            }
        }
        return false;
    }
}
