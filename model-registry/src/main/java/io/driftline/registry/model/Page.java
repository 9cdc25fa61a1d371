package io.driftline.registry.model;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One page of a listing.
 *
 * @param items the rows, oldest first
 * @param nextCursor pass as {@code cursor} for the next page; null on the last page
 */
public record Page<T>(List<T> items, @Nullable String nextCursor) {}
