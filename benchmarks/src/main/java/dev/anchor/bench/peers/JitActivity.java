package dev.anchor.bench.peers;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much CPU a JVM's JIT compiler threads have used, read from /proc. A JVM pinned to one core
 * compiles on the core it serves from, so until its compilers fall quiet a measurement counts
 * compilation as the cost of the load; a gateway that has run for a minute has paid for it long ago.
 */
final class JitActivity {
    private JitActivity() {
    }

    // tag::compiler-ticks[]
    /** Clock ticks of the threads named "C1 CompilerThre..." and "C2 CompilerThre..." of a process. */
    static long compilerTicks(long pid) throws IOException {
        long ticks = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String comm = Files.readString(task.resolve("comm")).strip();
                    if (comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler")) {
                        ticks += ProcCpu.ticks(Files.readString(task.resolve("stat")));
                    }
                } catch (IOException threadEnded) {
                    // a compiler thread the JVM retired meanwhile: its ticks are gone with it
                }
            }
        }
        return ticks;
    }
    // end::compiler-ticks[]
}
