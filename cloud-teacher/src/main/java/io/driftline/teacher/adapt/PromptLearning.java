package io.driftline.teacher.adapt;

import io.driftline.core.image.Image;
import io.driftline.core.model.StudentModel;
import io.driftline.teacher.djl.ImportedModel;
import io.driftline.teacher.djl.UnsupportedOperatorException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Chooses the VPLU mode: white-box ({@link PromptLearner}) when every op of the student imports
 * into DJL, else black-box ({@link SpsaPromptLearner}); a forced mode overrides the choice so the two
 * can be compared. The chosen mode and why go into the lineage ({@code prompt.mode},
 * {@code prompt.modeReason}).
 */
public final class PromptLearning {

  /** How to choose the mode. */
  public enum Mode {
    /** White-box if the student imports, else black-box. */
    AUTO,
    /** Always white-box; fails if an op is unsupported. */
    WHITE_BOX,
    /** Always black-box. */
    BLACK_BOX
  }

  private PromptLearning() {}

  /**
   * Learns a prompt for the student in {@code onnx}.
   *
   * @param onnx the student's ONNX bytes
   * @param name the student's name, for messages
   * @throws UnsupportedOperatorException if {@code mode} is WHITE_BOX and an op is unsupported
   */
  public static PromptLearner.Result learn(
      byte[] onnx,
      String name,
      List<Image> frames,
      float[][] teacherProbabilities,
      Mode mode,
      PromptLearner.Config whiteBox,
      SpsaPromptLearner.Config blackBox) {
    try (StudentModel device = StudentModel.load(onnx, name)) {
      String reason;
      if (mode == Mode.BLACK_BOX) {
        reason = "forced";
      } else {
        try (ImportedModel imported = ImportedModel.of(onnx)) {
          int logits = imported.block().outputNames().indexOf(device.description().logitsOutput());
          PromptLearner.Result r = PromptLearner.learnWhiteBox(
              imported, device.preprocessing(), logits, frames, teacherProbabilities, whiteBox);
          return withReason(r, mode == Mode.WHITE_BOX ? "forced" : "all operators supported");
        } catch (UnsupportedOperatorException e) {
          if (mode == Mode.WHITE_BOX) {
            throw e;
          }
          reason = "unsupported operator " + e.operator();
        }
      }
      return withReason(SpsaPromptLearner.learn(device, frames, teacherProbabilities, blackBox), reason);
    }
  }

  private static PromptLearner.Result withReason(PromptLearner.Result r, String reason) {
    Map<String, String> lineage = new LinkedHashMap<>(r.lineage());
    lineage.put("prompt.modeReason", reason);
    return new PromptLearner.Result(r.prompt(), r.initialLoss(), r.finalLoss(), lineage);
  }
}
