package io.driftline.teacher.djl;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.protobuf.InvalidProtocolBufferException;

/**
 * An ONNX graph imported into a DJL {@link Model} (PyTorch engine) whose block is an
 * {@link OnnxBlock}: train it with {@code model().newTrainer(...)}, run it with {@link #predict},
 * and get the ONNX model back with the current weights from {@link #toOnnx()}. Owns the DJL model
 * and its native memory until {@link #close()}.
 *
 * <pre>{@code
 * try (ImportedModel imported = ImportedModel.of(modelProto)) {
 *   ... train imported.model() ...
 *   Files.write(out, imported.toOnnx().toByteArray());
 * }
 * }</pre>
 */
public final class ImportedModel implements AutoCloseable {

  private final Model model;
  private final OnnxBlock block;

  private ImportedModel(Model model, OnnxBlock block) {
    this.model = model;
    this.block = block;
  }

  /**
   * Imports an ONNX model into a new DJL model.
   *
   * @throws UnsupportedOperatorException if a node uses an operator or option the importer lacks
   */
  public static ImportedModel of(ModelProto onnx) {
    DjlEngines.pytorch();
    String name = onnx.getGraph().getName().isEmpty() ? "onnx" : onnx.getGraph().getName();
    Model model = Model.newInstance(name, DjlEngines.ENGINE);
    try {
      OnnxBlock block = new OnnxBlock(onnx, model.getNDManager());
      model.setBlock(block);
      return new ImportedModel(model, block);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * Imports serialised ONNX bytes.
   *
   * @throws IllegalArgumentException if the bytes are not an ONNX ModelProto
   * @throws UnsupportedOperatorException if a node uses an operator or option the importer lacks
   */
  public static ImportedModel of(byte[] onnxBytes) {
    try {
      return of(ModelProto.parseFrom(onnxBytes));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
    }
  }

  /** The DJL model; its block is {@link #block()}. */
  public Model model() {
    return model;
  }

  /** The block that runs the graph. */
  public OnnxBlock block() {
    return block;
  }

  /**
   * Runs the graph in inference mode (BatchNormalization uses its running statistics, Dropout is
   * the identity) and returns the graph outputs in order; the results belong to the inputs' manager.
   */
  public NDList predict(NDList inputs) {
    NDManager manager = inputs.head().getManager();
    return block.forward(new ParameterStore(manager, false), inputs, false);
  }

  /** Returns the ONNX model with the current weights and running statistics as initializers. */
  public ModelProto toOnnx() {
    return block.toOnnx();
  }

  /** Releases the DJL model and its arrays. */
  @Override
  public void close() {
    model.close();
  }
}
