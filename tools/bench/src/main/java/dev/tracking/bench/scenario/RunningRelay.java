package dev.tracking.bench.scenario;

import dev.tracking.bench.run.ChildJvm;
import java.util.function.LongSupplier;

/**
 * A relay process and how to read its heap.
 *
 * @param jvm the process
 * @param heapUsed bytes of heap in use, -1 when unknown (null: not measured for this relay)
 */
public record RunningRelay(ChildJvm jvm, LongSupplier heapUsed) {}
