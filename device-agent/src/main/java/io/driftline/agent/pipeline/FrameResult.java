package io.driftline.agent.pipeline;

import io.driftline.core.events.BundleRef;
import io.driftline.core.hdc.Hypervector;
import io.driftline.core.image.Image;
import org.jspecify.annotations.Nullable;

/**
 * Holds what the pipeline made of one frame.
 *
 * @param image the frame as the student saw it (before the prompt), at the student's input size
 * @param features the student's features
 * @param predictedClass the prediction after routing
 * @param uncertainty normalised entropy of the routed logits, in [0,1]
 * @param oodScore HDC OOD score in [0,1] against the class prototypes
 * @param nearestSimilarity Hamming similarity to the nearest class prototype
 * @param hypervector the frame's HDC code
 * @param route the chosen domain id, or {@code student}
 * @param bundle the bundle the frame ran on
 */
public record FrameResult(
    Image image,
    float[] features,
    int predictedClass,
    double uncertainty,
    double oodScore,
    double nearestSimilarity,
    Hypervector hypervector,
    String route,
    @Nullable BundleRef bundle) {}
