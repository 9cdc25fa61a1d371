package io.driftline.registry.model;

import org.jspecify.annotations.Nullable;

/**
 * What a device needs to run a version (bundles and students).
 *
 * @param student the student version a bundle is for, {@code name:version} (for a student: itself)
 * @param precision {@code FP32}, {@code INT8} or {@code BINARY}
 * @param adaptorBytes memory the adaptors need (for a student: its file size)
 * @param macs multiply-accumulates per frame
 * @param inputWidth input width
 * @param inputHeight input height
 * @param channels input channels
 */
public record Requirements(
    @Nullable String student,
    @Nullable String precision,
    @Nullable Long adaptorBytes,
    @Nullable Long macs,
    @Nullable Integer inputWidth,
    @Nullable Integer inputHeight,
    @Nullable Integer channels) {}
