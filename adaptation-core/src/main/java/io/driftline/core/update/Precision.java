package io.driftline.core.update;

/**
 * Storage precision of adaptor weights, chosen per device from its memory budget.
 *
 * <p>Biases and per-row scales always stay 32-bit floats: they are a vanishing share of the bytes
 * and quantizing them costs accuracy for nothing.
 */
public enum Precision {
  /** Plain 32-bit floats, 4 bytes per weight. */
  FP32(0),
  /** Symmetric 8-bit integers with one scale per row: {@code w ≈ scale_r * q}, q in [-127,127]. */
  INT8(1),
  /** One bit per weight: {@code w ≈ scale_r * sign(w)}, with scale_r the mean |w| of the row. */
  BINARY(2);

  private final int code;

  Precision(int code) {
    this.code = code;
  }

  /** Returns the stable one-byte code used in the bundle format. */
  public int code() {
    return code;
  }

  /**
   * Returns the precision with the given bundle-format code.
   *
   * @throws IllegalArgumentException if no precision has that code
   */
  public static Precision byCode(int code) {
    for (Precision p : values()) {
      if (p.code == code) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown weight precision code " + code + " (known: 0=FP32, 1=INT8, 2=BINARY)");
  }
}
