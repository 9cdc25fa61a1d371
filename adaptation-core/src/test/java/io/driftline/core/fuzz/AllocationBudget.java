package io.driftline.core.fuzz;

import java.lang.management.ManagementFactory;

/**
 * Measures the heap a decoder allocates on the calling thread and fails when it is out of proportion
 * to the input, the symptom of a length field trusted before it was checked against the bytes that
 * are really there.
 *
 * <p>The budget is {@code perInputByte * inputBytes + fixedBytes}: a decoder may copy its input a
 * few times and build objects of a bounded size (an HDC encoder regenerates a projection of up to a
 * few MiB from its seed), but never allocate what a header merely claims.
 */
public final class AllocationBudget {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private final long perInputByte;
  private final long fixedBytes;

  private AllocationBudget(long perInputByte, long fixedBytes) {
    this.perInputByte = perInputByte;
    this.fixedBytes = fixedBytes;
  }

  /** A budget of {@code perInputByte} bytes for each input byte plus {@code fixedBytes}. */
  public static AllocationBudget of(long perInputByte, long fixedBytes) {
    if (!THREADS.isThreadAllocatedMemorySupported()) {
      throw new IllegalStateException("this JVM cannot measure per-thread allocation");
    }
    THREADS.setThreadAllocatedMemoryEnabled(true);
    return new AllocationBudget(perInputByte, fixedBytes);
  }

  /** A decoding step that may throw what the decoder documents. */
  @FunctionalInterface
  public interface Decoding<T> {
    /** Decodes. */
    T decode() throws Exception;
  }

  /**
   * Runs {@code decoding} and returns its value or rethrows its exception, failing instead if it
   * allocated more than the budget for {@code inputBytes} both then and when run a second time (the
   * first run of a code path also loads and initialises classes, which is not the decoder's doing).
   *
   * @throws AssertionError naming what was decoded, the input size and the allocation
   */
  public <T> T decode(long inputBytes, String what, Decoding<T> decoding) throws Exception {
    long budget = perInputByte * inputBytes + fixedBytes;
    long start = THREADS.getCurrentThreadAllocatedBytes();
    try {
      return decoding.decode();
    } finally {
      long allocated = THREADS.getCurrentThreadAllocatedBytes() - start;
      if (allocated > budget) {
        long again = THREADS.getCurrentThreadAllocatedBytes();
        try {
          decoding.decode();
        } catch (Exception expected) {
          // the first run's outcome is what the caller sees; only the allocation matters here
        }
        allocated = THREADS.getCurrentThreadAllocatedBytes() - again;
        if (allocated > budget) {
          throw new AssertionError(what + " allocated " + allocated + " bytes for an input of " + inputBytes
              + " bytes, over the budget of " + budget + " (" + perInputByte + " per input byte + " + fixedBytes
              + "): a length field was trusted before it was checked against the input");
        }
      }
    }
  }
}
