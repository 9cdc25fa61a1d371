package io.driftline.core.hdc;

import java.io.IOException;

/** Thrown when a stored HDC encoder or prototype memory is truncated, corrupted or of another kind. */
public class HdcFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message that names the source and what is wrong with it. */
  public HdcFormatException(String message) {
    super(message);
  }
}
