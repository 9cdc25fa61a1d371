package io.driftline.core.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.driftline.core.corruption.CorruptionFamily;
import io.driftline.core.image.Image;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The descriptor's fast loops give exactly the values of the plain definition, for any frame shape. */
class FrameDescriptorTest {

  /** The plain definition: one pass, a condition per term (the version the evaluate run used). */
  private static double[] reference(Image frame) {
    float[] pixels = frame.pixels();
    int h = frame.height();
    int w = frame.width();
    double dx = 0;
    double dy = 0;
    double laplacian = 0;
    double borderSum = 0;
    double borderSquares = 0;
    long dxCount = 0;
    long dyCount = 0;
    long lapCount = 0;
    long borderCount = 0;
    int border = FrameRouting.BORDER;
    for (int c = 0; c < frame.channels(); c++) {
      int base = c * h * w;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float v = pixels[base + y * w + x];
          if (x + 1 < w) {
            dx += Math.abs(pixels[base + y * w + x + 1] - v);
            dxCount++;
          }
          if (y + 1 < h) {
            dy += Math.abs(pixels[base + (y + 1) * w + x] - v);
            dyCount++;
          }
          if (x > 0 && y > 0 && x + 1 < w && y + 1 < h) {
            laplacian += Math.abs(pixels[base + y * w + x - 1] + pixels[base + y * w + x + 1]
                + pixels[base + (y - 1) * w + x] + pixels[base + (y + 1) * w + x] - 4 * v);
            lapCount++;
          }
          if (x < border || y < border || x >= w - border || y >= h - border) {
            borderSum += v;
            borderSquares += (double) v * v;
            borderCount++;
          }
        }
      }
    }
    float d7 = (float) (dxCount == 0 ? 0 : dx / dxCount);
    float d8 = (float) (dyCount == 0 ? 0 : dy / dyCount);
    float d9 = (float) (lapCount == 0 ? 0 : laplacian / lapCount);
    double borderMean = borderSum / borderCount;
    return new double[] {d7, d8, d9, (float) borderMean,
        (float) Math.sqrt(Math.max(0, borderSquares / borderCount - borderMean * borderMean))};
  }

  @Test
  void fastLoopsEqualThePlainDefinition() {
    SplittableRandom random = new SplittableRandom(5);
    int[][] shapes = {{1, 28, 28}, {3, 32, 32}, {1, 5, 4}, {1, 1, 1}, {2, 6, 7}, {1, 2, 9}};
    for (int[] shape : shapes) {
      for (int k = 0; k < 20; k++) {
        float[] pixels = new float[shape[0] * shape[1] * shape[2]];
        for (int i = 0; i < pixels.length; i++) {
          pixels[i] = (float) random.nextDouble();
        }
        Image frame = Image.wrap(shape[0], shape[1], shape[2], pixels);
        if (shape[0] == 1 && shape[1] == 28 && k % 2 == 0) {
          frame = CorruptionFamily.values()[k % CorruptionFamily.values().length].apply(frame, 3, 1, k);
        }
        float[] d = FrameRouting.describe(frame);
        double[] expected = reference(frame);
        assertThat(new double[] {d[7], d[8], d[9], d[13], d[14]}).as("shape %dx%dx%d frame %d", shape[0],
            shape[1], shape[2], k).containsExactly(expected);
      }
    }
  }
}
