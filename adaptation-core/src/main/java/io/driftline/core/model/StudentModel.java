package io.driftline.core.model;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import com.google.protobuf.InvalidProtocolBufferException;
import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an ONNX image classifier that has the student signature: one float image input
 * {@code [N, C, H, W]} and two float outputs, features {@code [N, F]} and logits {@code [N, K]}.
 *
 * <p>The model owns one ONNX Runtime session, created from the file path when loaded from a file
 * (so initializers stored as external data beside the graph are found) or from bytes otherwise.
 * The ONNX Runtime environment is a JVM-wide singleton and is not closed here.
 *
 * <p>Instances are thread-safe: any number of threads may call the inference methods at once, and
 * {@link #close()} waits for running inferences to finish; inference after close fails with an
 * {@link IllegalStateException}.
 *
 * <pre>{@code
 * try (StudentModel student = StudentModel.load(Path.of("student.onnx"))) {
 *   StudentOutput out = student.infer(frames);   // frames in [0,1], any size
 *   float[][] features = out.features();
 * }
 * }</pre>
 */
public final class StudentModel implements AutoCloseable {

  /** Default name of the features output. */
  public static final String DEFAULT_FEATURES_OUTPUT = "features";
  /** Default name of the logits output. */
  public static final String DEFAULT_LOGITS_OUTPUT = "logits";

  private static final Logger LOG = LoggerFactory.getLogger(StudentModel.class);

  private final OrtEnvironment environment;
  private final OrtSession session;
  private final StudentDescription description;
  private final int staticBatch;
  private final Set<String> outputNames;
  // Readers are inferences, the writer is close(): closing a session while a run is in flight
  // would free native memory under it.
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private StudentModel(
      OrtEnvironment environment, OrtSession session, StudentDescription description, int staticBatch) {
    this.environment = environment;
    this.session = session;
    this.description = description;
    this.staticBatch = staticBatch;
    this.outputNames = Set.of(description.featuresOutput(), description.logitsOutput());
  }

  /** Returns a builder for a student with non-default output names, preprocessing or input size. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Loads a student from an ONNX file with default options.
   *
   * @throws StudentModelException if the file is missing or not a loadable ONNX model
   * @throws ModelSignatureException if the model does not have the student signature
   */
  public static StudentModel load(Path modelFile) {
    return builder().setModel(modelFile).build();
  }

  /**
   * Loads a student from ONNX bytes with default options.
   *
   * @param modelBytes the serialised ModelProto
   * @param sourceName a name for the model used in messages (e.g. the artefact digest)
   * @throws StudentModelException if the bytes are not a loadable ONNX model
   * @throws ModelSignatureException if the model does not have the student signature
   */
  public static StudentModel load(byte[] modelBytes, String sourceName) {
    return builder().setModel(modelBytes, sourceName).build();
  }

  /** Returns what the model expects and produces. */
  public StudentDescription description() {
    return description;
  }

  /** Number of classes {@code K} (length of each logits row). */
  public int numClasses() {
    return description.numClasses();
  }

  /** Dimension {@code F} of each features row. */
  public int featureDimension() {
    return description.featureDimension();
  }

  /** Returns the per-frame input shape {@code {C, H, W}}. */
  public int[] inputShape() {
    return new int[] {description.channels(), description.height(), description.width()};
  }

  /** Returns how pixels are normalised before inference. */
  public Preprocessing preprocessing() {
    return description.preprocessing();
  }

  /**
   * Converts frames to the model's input tensor: each frame is converted to the model's channel
   * count and size with {@link ImageOps#conform}, then normalised with {@link #preprocessing()}.
   *
   * @param frames images with pixels in [0,1] (after any visual prompt was added)
   * @return {@code N * C * H * W} values in NCHW order
   */
  public float[] toTensor(List<Image> frames) {
    int frameSize = description.frameSize();
    float[] tensor = new float[Math.multiplyExact(frames.size(), frameSize)];
    for (int i = 0; i < frames.size(); i++) {
      Image conformed = ImageOps.conform(
          frames.get(i), description.channels(), description.height(), description.width());
      description.preprocessing().normaliseInto(conformed, tensor, i * frameSize);
    }
    return tensor;
  }

  /** Runs one frame (pixels in [0,1], any size) and returns its features and logits. */
  public Prediction infer(Image frame) {
    return infer(List.of(frame)).prediction(0);
  }

  /**
   * Runs a batch of frames (pixels in [0,1], any size and 1 or 3 channels) in one inference and
   * returns their features and logits.
   */
  public StudentOutput infer(List<Image> frames) {
    return inferTensor(toTensor(frames), frames.size());
  }

  /**
   * Runs an already normalised NCHW tensor, for callers that prepare tensors themselves (e.g.
   * benchmarks); {@link #infer(List)} is {@link #toTensor} followed by this.
   *
   * @param nchw {@code batch * C * H * W} values in the model's input space
   * @param batch number of frames {@code N}
   * @throws IllegalArgumentException if the array length does not match the batch and input shape
   * @throws IllegalStateException if the model was closed
   */
  public StudentOutput inferTensor(float[] nchw, int batch) {
    int frameSize = description.frameSize();
    if (batch < 0 || (long) batch * frameSize != nchw.length) {
      throw new IllegalArgumentException("student " + description.source() + " needs batch * "
          + description.channels() + " * " + description.height() + " * " + description.width()
          + " = " + ((long) batch * frameSize) + " values for batch " + batch + ", got " + nchw.length);
    }
    if (batch == 0) {
      return new StudentOutput(new float[0][], new float[0][]);
    }
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("student model " + description.source()
            + " is closed; load it again to run inference");
      }
      if (staticBatch == 0) {
        return run(FloatBuffer.wrap(nchw), batch, batch);
      }
      return runInFixedChunks(nchw, batch, frameSize);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    lifecycle.readLock().lock();
    try {
      return closed;
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /**
   * Releases the ONNX Runtime session after running inferences finish; calling it again does
   * nothing.
   */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      session.close();
    } catch (OrtException e) {
      throw new StudentModelException("cannot release the session of student " + description.source(), e);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "StudentModel[" + description.source() + ", input " + description.channels() + "x"
        + description.height() + "x" + description.width() + ", " + featureDimension()
        + " features, " + numClasses() + " classes]";
  }

  // A model exported with a fixed batch size (often 1) only accepts exactly that many frames, so
  // larger batches run in chunks and the last chunk is padded with zeros that are dropped again.
  private StudentOutput runInFixedChunks(float[] nchw, int batch, int frameSize) {
    float[][] features = new float[batch][];
    float[][] logits = new float[batch][];
    for (int start = 0; start < batch; start += staticBatch) {
      int rows = Math.min(staticBatch, batch - start);
      FloatBuffer chunk;
      if (rows == staticBatch) {
        chunk = FloatBuffer.wrap(nchw, start * frameSize, rows * frameSize).slice();
      } else {
        float[] padded = new float[staticBatch * frameSize];
        System.arraycopy(nchw, start * frameSize, padded, 0, rows * frameSize);
        chunk = FloatBuffer.wrap(padded);
      }
      StudentOutput part = run(chunk, staticBatch, rows);
      System.arraycopy(part.features(), 0, features, start, rows);
      System.arraycopy(part.logits(), 0, logits, start, rows);
    }
    return new StudentOutput(features, logits);
  }

  private StudentOutput run(FloatBuffer input, int tensorBatch, int rows) {
    float[][][] out = runSession(environment, session, description.source(), description.inputName(),
        new long[] {tensorBatch, description.channels(), description.height(), description.width()},
        input, outputNames, description.featuresOutput(), description.featureDimension(),
        description.logitsOutput(), description.numClasses(), rows);
    return new StudentOutput(out[0], out[1]);
  }

  private static float[][][] runSession(
      OrtEnvironment environment,
      OrtSession session,
      String source,
      String inputName,
      long[] inputShape,
      FloatBuffer input,
      Set<String> outputNames,
      String featuresOutput,
      int featureDimension,
      String logitsOutput,
      int numClasses,
      int rows) {
    try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, inputShape);
        OrtSession.Result result = session.run(Map.of(inputName, tensor), outputNames)) {
      float[][] features = readRows(result, source, featuresOutput, inputShape[0], featureDimension, rows);
      float[][] logits = readRows(result, source, logitsOutput, inputShape[0], numClasses, rows);
      return new float[][][] {features, logits};
    } catch (OrtException e) {
      throw new StudentModelException("inference failed on student " + source + " with input shape "
          + Arrays.toString(inputShape) + ": " + e.getMessage(), e);
    }
  }

  private static float[][] readRows(
      OrtSession.Result result, String source, String name, long batch, int columns, int rows)
      throws OrtException {
    OnnxValue value = result.get(name)
        .orElseThrow(() -> new StudentModelException("student " + source + " returned no output '" + name + "'"));
    if (!(value instanceof OnnxTensor tensor) || tensor.getInfo().type != OnnxJavaType.FLOAT) {
      throw new StudentModelException("output '" + name + "' of student " + source
          + " is not a float tensor: " + value.getInfo());
    }
    long[] shape = tensor.getInfo().getShape();
    // columns < 0 means "not known yet" (the load-time probe of symbolic output sizes).
    if (shape.length != 2 || shape[0] != batch || shape[1] <= 0 || (columns >= 0 && shape[1] != columns)) {
      throw new StudentModelException("output '" + name + "' of student " + source + " has shape "
          + Arrays.toString(shape) + " for a batch of " + batch + ", expected [" + batch + ", "
          + (columns >= 0 ? columns : "F") + "]");
    }
    int width = (int) shape[1];
    FloatBuffer data = tensor.getFloatBuffer();
    float[][] out = new float[rows][width];
    for (int i = 0; i < rows; i++) {
      data.get(out[i]);
    }
    return out;
  }

  /** Configures and loads a {@link StudentModel}; {@link #setModel} is required. */
  public static final class Builder {

    private @Nullable Path modelFile;
    private byte @Nullable [] modelBytes;
    private @Nullable String sourceName;
    private String featuresOutput = DEFAULT_FEATURES_OUTPUT;
    private String logitsOutput = DEFAULT_LOGITS_OUTPUT;
    private @Nullable Preprocessing preprocessing;
    private int @Nullable [] inputShape;
    private @Nullable List<String> classNames;
    private int intraOpThreads;

    private Builder() {}

    /**
     * Loads the model from a file; the session is created from the path so external data files
     * next to it are resolved.
     */
    public Builder setModel(Path modelFile) {
      this.modelFile = Objects.requireNonNull(modelFile, "modelFile");
      this.modelBytes = null;
      this.sourceName = modelFile.toString();
      return this;
    }

    /**
     * Loads the model from serialised ONNX bytes (read during {@link #build()} only).
     *
     * @param modelBytes the ModelProto bytes; they cannot refer to external data files
     * @param sourceName a name for the model used in messages
     */
    public Builder setModel(byte[] modelBytes, String sourceName) {
      this.modelBytes = Objects.requireNonNull(modelBytes, "modelBytes");
      this.modelFile = null;
      this.sourceName = Objects.requireNonNull(sourceName, "sourceName");
      return this;
    }

    /** Sets the name of the features output (default {@value StudentModel#DEFAULT_FEATURES_OUTPUT}). */
    public Builder optFeaturesOutput(String name) {
      this.featuresOutput = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Sets the name of the logits output (default {@value StudentModel#DEFAULT_LOGITS_OUTPUT}). */
    public Builder optLogitsOutput(String name) {
      this.logitsOutput = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Sets the preprocessing, overriding the one in the model's metadata (default: from the
     * metadata, else {@link Preprocessing#identity()}).
     */
    public Builder optPreprocessing(Preprocessing preprocessing) {
      this.preprocessing = Objects.requireNonNull(preprocessing, "preprocessing");
      return this;
    }

    /**
     * Sets the per-frame input shape; required for dimensions the model leaves symbolic, and
     * checked against the dimensions it fixes.
     */
    public Builder optInputShape(int channels, int height, int width) {
      if (channels <= 0 || height <= 0 || width <= 0) {
        throw new IllegalArgumentException(
            "input shape must be positive, got " + channels + "x" + height + "x" + width);
      }
      this.inputShape = new int[] {channels, height, width};
      return this;
    }

    /**
     * Sets the class names, overriding the model's {@value StudentDescription#CLASS_NAMES_KEY}
     * metadata (default: from the metadata, else none).
     */
    public Builder optClassNames(List<String> classNames) {
      this.classNames = List.copyOf(classNames);
      return this;
    }

    /** Sets the number of threads one inference may use (default: ONNX Runtime's choice). */
    public Builder optIntraOpThreads(int threads) {
      if (threads <= 0) {
        throw new IllegalArgumentException("threads must be positive, got " + threads);
      }
      this.intraOpThreads = threads;
      return this;
    }

    /**
     * Loads the model and checks its signature.
     *
     * @throws IllegalStateException if no model was set
     * @throws StudentModelException if the model cannot be read or loaded
     * @throws ModelSignatureException if the model does not have the student signature
     */
    public StudentModel build() {
      if (sourceName == null) {
        throw new IllegalStateException("no model set: call setModel(Path) or setModel(byte[], String)");
      }
      if (featuresOutput.equals(logitsOutput)) {
        throw new IllegalArgumentException(
            "features and logits outputs must differ, both are '" + featuresOutput + "'");
      }
      String source = sourceName;
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      OrtSession session = openSession(environment, source);
      try {
        StudentModel model = resolve(environment, session, source);
        LOG.info("loaded student {}: input {}x{}x{}, {} features, {} classes", source,
            model.description.channels(), model.description.height(), model.description.width(),
            model.featureDimension(), model.numClasses());
        return model;
      } catch (RuntimeException e) {
        try {
          session.close();
        } catch (OrtException closeFailure) {
          e.addSuppressed(closeFailure);
        }
        throw e;
      }
    }

    private OrtSession openSession(OrtEnvironment environment, String source) {
      Path file = modelFile;
      if (file != null && !Files.isRegularFile(file)) {
        throw new StudentModelException("model file " + file + " does not exist or is not a regular file");
      }
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        if (intraOpThreads > 0) {
          options.setIntraOpNumThreads(intraOpThreads);
        }
        if (file != null) {
          return environment.createSession(file.toString(), options);
        }
        return environment.createSession(Objects.requireNonNull(modelBytes), options);
      } catch (OrtException e) {
        throw new StudentModelException("cannot load ONNX model " + source + ": " + hintFor(modelBytes)
            + " (ONNX Runtime: " + e.getMessage() + ")", e);
      }
    }

    // Only consulted after ONNX Runtime refused the bytes, so a large model is never parsed twice.
    private static String hintFor(byte @Nullable [] bytes) {
      if (bytes == null) {
        return "check that the file is a complete ONNX model and that any external data files it"
            + " names are next to it";
      }
      OnnxMl.ModelProto proto;
      try {
        proto = OnnxMl.ModelProto.parseFrom(bytes);
      } catch (InvalidProtocolBufferException e) {
        return "the bytes are not an ONNX ModelProto; check that the artefact is an .onnx file and"
            + " was transferred completely";
      }
      for (OnnxMl.TensorProto initializer : proto.getGraph().getInitializerList()) {
        if (initializer.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
          return "the model keeps initializer '" + initializer.getName() + "' in an external data"
              + " file; load it with setModel(Path) from its file so the data file beside it is found";
        }
      }
      return "the bytes parse as an ONNX ModelProto, so check its IR version, operator set and"
          + " operators against those ONNX Runtime supports";
    }

    private StudentModel resolve(OrtEnvironment environment, OrtSession session, String source) {
      Map<String, NodeInfo> inputs;
      Map<String, NodeInfo> outputs;
      Map<String, String> metadata;
      try {
        inputs = session.getInputInfo();
        outputs = session.getOutputInfo();
        metadata = session.getMetadata().getCustomMetadata();
      } catch (OrtException e) {
        throw new StudentModelException("cannot read the inputs and outputs of model " + source, e);
      }
      String actual = "inputs " + describe(inputs.values()) + " and outputs " + describe(outputs.values());
      String expected = "one float input [N, C, H, W] and float outputs '" + featuresOutput
          + "' [N, F] and '" + logitsOutput + "' [N, K]";
      List<String> problems = new ArrayList<>();

      TensorInfo input = null;
      String inputName = "";
      if (inputs.size() != 1) {
        problems.add("expected exactly one input, found " + inputs.size() + " " + inputs.keySet());
      } else {
        NodeInfo only = inputs.values().iterator().next();
        inputName = only.getName();
        input = checkTensor(only, 4, "input", "[N, C, H, W]", problems);
      }
      TensorInfo features = checkOutput(outputs, featuresOutput, "features", "[N, F]", problems);
      TensorInfo logits = checkOutput(outputs, logitsOutput, "logits", "[N, K]", problems);
      int[] chw = input == null ? null : resolveInputShape(inputName, input.getShape(), problems);
      if (!problems.isEmpty() || input == null || features == null || logits == null || chw == null) {
        throw new ModelSignatureException(source, problems, actual, expected);
      }

      long batchDim = input.getShape()[0];
      int staticBatch = batchDim > 0 ? Math.toIntExact(batchDim) : 0;
      int featureDimension = (int) features.getShape()[1];
      int numClasses = (int) logits.getShape()[1];
      if (featureDimension <= 0 || numClasses <= 0) {
        // Symbolic output sizes are only known after a run; one frame of zeros settles them.
        int probeBatch = Math.max(staticBatch, 1);
        float[][][] probe = runSession(environment, session, source, inputName,
            new long[] {probeBatch, chw[0], chw[1], chw[2]},
            FloatBuffer.allocate(probeBatch * chw[0] * chw[1] * chw[2]),
            Set.of(featuresOutput, logitsOutput), featuresOutput, -1, logitsOutput, -1, 1);
        featureDimension = probe[0][0].length;
        numClasses = probe[1][0].length;
      }

      Preprocessing resolvedPreprocessing = preprocessing;
      if (resolvedPreprocessing == null) {
        Preprocessing fromMetadata = Preprocessing.fromMetadata(metadata, source);
        resolvedPreprocessing = fromMetadata != null ? fromMetadata : Preprocessing.identity();
      }
      List<String> resolvedClassNames = classNames;
      if (resolvedClassNames == null) {
        String names = metadata.get(StudentDescription.CLASS_NAMES_KEY);
        resolvedClassNames = names == null || names.isBlank()
            ? List.of()
            : Arrays.stream(names.split(",")).map(String::trim).toList();
      }
      StudentDescription description;
      try {
        description = new StudentDescription(source, inputName, chw[0], chw[1], chw[2],
            resolvedPreprocessing, featuresOutput, logitsOutput, featureDimension, numClasses,
            resolvedClassNames);
      } catch (IllegalArgumentException e) {
        throw new StudentModelException(e.getMessage()
            + " (preprocessing and class names come from optPreprocessing/optClassNames or the model's"
            + " driftline.* metadata)", e);
      }
      return new StudentModel(environment, session, description, staticBatch);
    }

    private @Nullable TensorInfo checkOutput(
        Map<String, NodeInfo> outputs, String name, String role, String shape, List<String> problems) {
      NodeInfo node = outputs.get(name);
      if (node == null) {
        problems.add("no " + role + " output named '" + name + "'");
        return null;
      }
      return checkTensor(node, 2, role + " output", shape, problems);
    }

    private static @Nullable TensorInfo checkTensor(
        NodeInfo node, int rank, String role, String shape, List<String> problems) {
      ValueInfo info = node.getInfo();
      if (!(info instanceof TensorInfo tensor)) {
        problems.add(role + " '" + node.getName() + "' is not a tensor");
        return null;
      }
      boolean ok = true;
      if (tensor.type != OnnxJavaType.FLOAT) {
        problems.add(role + " '" + node.getName() + "' is " + typeName(tensor) + ", expected float");
        ok = false;
      }
      if (tensor.getShape().length != rank) {
        problems.add(role + " '" + node.getName() + "' has rank " + tensor.getShape().length
            + ", expected rank " + rank + " " + shape);
        ok = false;
      }
      return ok ? tensor : null;
    }

    private int @Nullable [] resolveInputShape(String inputName, long[] shape, List<String> problems) {
      String[] names = {"channels", "height", "width"};
      int[] chw = new int[3];
      boolean ok = true;
      for (int i = 0; i < 3; i++) {
        long dim = shape[i + 1];
        int[] configured = inputShape;
        if (dim > 0) {
          chw[i] = Math.toIntExact(dim);
          if (configured != null && configured[i] != dim) {
            problems.add("input '" + inputName + "' has fixed " + names[i] + " " + dim
                + " but optInputShape asked for " + configured[i]);
            ok = false;
          }
        } else if (configured != null) {
          chw[i] = configured[i];
        } else {
          problems.add("input '" + inputName + "' leaves its " + names[i]
              + " symbolic; set it with optInputShape(channels, height, width)");
          ok = false;
        }
      }
      return ok ? chw : null;
    }
  }

  static String describe(Collection<NodeInfo> nodes) {
    List<String> parts = new ArrayList<>();
    for (NodeInfo node : nodes) {
      ValueInfo info = node.getInfo();
      if (info instanceof TensorInfo tensor) {
        parts.add("'" + node.getName() + "' " + typeName(tensor) + " " + shapeText(tensor));
      } else {
        parts.add("'" + node.getName() + "' " + info);
      }
    }
    return "[" + String.join(", ", parts) + "]";
  }

  private static String typeName(TensorInfo tensor) {
    return tensor.onnxType.name().replace("ONNX_TENSOR_ELEMENT_DATA_TYPE_", "").toLowerCase(Locale.ROOT);
  }

  private static String shapeText(TensorInfo tensor) {
    long[] shape = tensor.getShape();
    String[] names = tensor.getDimensionNames();
    List<String> dims = new ArrayList<>(shape.length);
    for (int i = 0; i < shape.length; i++) {
      if (shape[i] >= 0) {
        dims.add(Long.toString(shape[i]));
      } else {
        dims.add(i < names.length && !names[i].isEmpty() ? names[i] : "?");
      }
    }
    return dims.toString();
  }
}
