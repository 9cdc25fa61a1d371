package io.driftline.teacher.train;

import java.time.Duration;

/**
 * What a training run did.
 *
 * @param samples training samples per epoch
 * @param epochs epochs run
 * @param steps optimiser steps taken
 * @param finalLoss mean training loss of the last epoch
 * @param duration wall-clock time of the run
 */
public record TrainingReport(int samples, int epochs, int steps, double finalLoss, Duration duration) {}
