package io.driftline.core.model;

import java.util.List;

/**
 * Signals that an ONNX model loads but does not have the student signature: its message lists
 * what is wrong, the inputs and outputs the model has, and what was expected.
 */
public class ModelSignatureException extends StudentModelException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final List<String> problems;
  private final String actualSignature;

  /**
   * Creates the exception.
   *
   * @param source where the model came from (file path or the name given with its bytes)
   * @param problems each mismatch in one sentence
   * @param actualSignature the model's inputs and outputs with names, types and shapes
   * @param expectedSignature the signature the caller asked for
   */
  public ModelSignatureException(
      String source, List<String> problems, String actualSignature, String expectedSignature) {
    super("model " + source + " does not fit the student signature: " + String.join("; ", problems)
        + ". The model has " + actualSignature + ". Expected " + expectedSignature
        + ". Export the model with these outputs, configure the output names"
        + " (optFeaturesOutput / optLogitsOutput), or expose an intermediate tensor as features with"
        + " ModelSurgery.promoteToFeatures.");
    this.source = source;
    this.problems = List.copyOf(problems);
    this.actualSignature = actualSignature;
  }

  /** Where the rejected model came from. */
  public String source() {
    return source;
  }

  /** The individual mismatches, one sentence each. */
  public List<String> problems() {
    return problems;
  }

  /** The rejected model's inputs and outputs with names, element types and shapes. */
  public String actualSignature() {
    return actualSignature;
  }
}
