package io.driftline.core.hdc;

/**
 * A prototype's label and its Hamming similarity to a query.
 *
 * @param label the class or domain label
 * @param similarity Hamming similarity in [0,1]: 1 identical, about 0.5 unrelated
 */
public record PrototypeMatch(String label, double similarity) {}
