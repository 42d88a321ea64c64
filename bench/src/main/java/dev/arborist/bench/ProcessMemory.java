package dev.arborist.bench;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.stream.Collectors;

/** What this process holds: resident memory (native included: DJL tensors live there) and the Java heap after the last GC. */
final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private ProcessMemory() {}

    /** VmRSS of /proc/self/status: every resident page, Java heap, native allocations and mapped files alike. */
    static long rssBytes() {
        try {
            String line = Files.readAllLines(STATUS).stream().filter(l -> l.startsWith("VmRSS:")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no VmRSS in " + STATUS + ": not Linux?"));
            return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024; // "VmRSS:   123456 kB"
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Heap in use right after the most recent collection (of any collector), summed over the heap
     * pools: the live data plus what that collection left, without the garbage since. 0 before any GC.
     */
    static long heapAfterGcBytes() {
        Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(b -> b instanceof GarbageCollectorMXBean)
                .map(b -> ((GarbageCollectorMXBean) b).getLastGcInfo())
                .filter(info -> info != null)
                .max(Comparator.comparingLong(GcInfo::getEndTime))
                .map(info -> info.getMemoryUsageAfterGc().entrySet().stream().filter(e -> heapPools.contains(e.getKey()))
                        .mapToLong(e -> e.getValue().getUsed()).sum())
                .orElse(0L);
    }

    /** Heap the JVM has committed: with -Xms equal to -Xmx and pre-touched pages, a constant part of the RSS. */
    static long heapCommittedBytes() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getCommitted();
    }
}
