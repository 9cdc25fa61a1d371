package io.driftline.core.corruption;

import io.driftline.core.image.Image;
import java.util.List;

/** Small synthetic images with known structure for the corruption tests. */
final class TestImages {

  private TestImages() {}

  /** A bright disc of the given radius centred on a dark background (grey). */
  static Image disc(int height, int width, double radius) {
    float[] p = new float[height * width];
    double cy = (height - 1) / 2.0;
    double cx = (width - 1) / 2.0;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        p[y * width + x] = Math.hypot(y - cy, x - cx) <= radius ? 0.9f : 0.05f;
      }
    }
    return Image.wrap(1, height, width, p);
  }

  /** A horizontal ramp from 0.1 on the left to 0.9 on the right with a darker rectangle (grey). */
  static Image rampWithBox(int height, int width) {
    float[] p = new float[height * width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        float v = 0.1f + 0.8f * x / (width - 1);
        boolean inBox = y >= height / 4 && y < height * 3 / 4 && x >= width / 3 && x < width * 2 / 3;
        p[y * width + x] = inBox ? 0.2f : v;
      }
    }
    return Image.wrap(1, height, width, p);
  }

  /**
   * Diagonal stripes three pixels wide alternating 0.2 and 0.8 (grey). Diagonal rather than
   * vertical: stripes aligned with a pixelation grid would survive pixelation untouched.
   */
  static Image stripes(int height, int width) {
    float[] p = new float[height * width];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        p[y * width + x] = ((x + y) / 3) % 2 == 0 ? 0.2f : 0.8f;
      }
    }
    return Image.wrap(1, height, width, p);
  }

  /** A colour image: red-green gradient background with a blue square and a white diagonal bar. */
  static Image colour(int height, int width) {
    int plane = height * width;
    float[] p = new float[3 * plane];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = y * width + x;
        float r = 0.2f + 0.6f * x / (width - 1);
        float g = 0.7f - 0.5f * y / (height - 1);
        float b = 0.3f;
        if (y > height / 5 && y < height / 2 && x > width / 5 && x < width / 2) {
          r = 0.1f;
          g = 0.1f;
          b = 0.9f;
        }
        if (Math.abs(x - y) <= 1) {
          r = 1f;
          g = 1f;
          b = 1f;
        }
        p[i] = r;
        p[plane + i] = g;
        p[2 * plane + i] = b;
      }
    }
    return Image.wrap(3, height, width, p);
  }

  /** The varied set the family-wide properties are checked on: grey, colour, square and not. */
  static List<Image> varied() {
    return List.of(disc(28, 28, 8), rampWithBox(28, 28), stripes(24, 30), colour(32, 32));
  }
}
