package io.driftline.teacher.djl;

/**
 * Thrown when an ONNX graph uses an operator (or an operator option) the importer does not
 * implement; the importer never approximates such a node.
 */
public final class UnsupportedOperatorException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String operator;

  /**
   * Creates the exception for one node.
   *
   * @param operator the ONNX op type, such as {@code Resize}
   * @param nodeName the node's name in the graph (may be empty)
   * @param detail what exactly is not supported, or empty when the whole operator is missing
   */
  public UnsupportedOperatorException(String operator, String nodeName, String detail) {
    super("unsupported ONNX operator " + operator
        + (nodeName.isEmpty() ? "" : " (node '" + nodeName + "')")
        + (detail.isEmpty() ? "; supported: " + String.join(", ", OnnxBlock.SUPPORTED_OPERATORS) : ": " + detail));
    this.operator = operator;
  }

  /** The ONNX op type that could not be imported. */
  public String operator() {
    return operator;
  }
}
