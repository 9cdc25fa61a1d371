package io.driftline.core.scenario;

import io.driftline.core.image.Image;

/**
 * One frame of a scenario stream.
 *
 * @param image the (possibly corrupted) image in [0,1]
 * @param label the true class of the clean sample it was made from
 * @param domainTag the domain it was drawn from, such as {@code fog@3}; during a transition this is
 *     the domain of this particular frame, old or new
 * @param index its position in the device's stream, from 0
 */
public record Frame(Image image, int label, String domainTag, long index) {}
