package io.driftline.core.corruption;

import static io.driftline.core.corruption.CorruptionKernels.clamp01;
import static io.driftline.core.corruption.CorruptionKernels.level;
import static io.driftline.core.corruption.CorruptionKernels.spatialScale;

import io.driftline.core.image.Image;
import io.driftline.core.image.ImageOps;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Light and digital artefacts: brightness, night-time darkening, contrast, pixelation, JPEG. */
final class DigitalKernels {

  /** Amount added to the HSV value (ImageNet-C's levels). */
  static final double[] BRIGHTNESS_SHIFT = {0.1, 0.2, 0.3, 0.4, 0.5};

  /** Gamma of the night curve {@code gain * x^gamma}. */
  static final double[] DARKEN_GAMMA = {1.3, 1.6, 1.9, 2.2, 2.6};

  /** Gain of the night curve {@code gain * x^gamma}. */
  static final double[] DARKEN_GAIN = {0.75, 0.6, 0.48, 0.38, 0.3};

  /** Standard deviation of the sensor noise a camera adds when it amplifies a dark scene. */
  static final double[] DARKEN_NOISE = {0.01, 0.015, 0.02, 0.025, 0.03};

  /** Factor the distance from the channel mean is multiplied by (ImageNet-C's levels). */
  static final double[] CONTRAST_FACTOR = {0.4, 0.3, 0.2, 0.1, 0.05};

  /**
   * Side of a pixel block in pixels at 28 px, rounded to whole pixels after scaling. Whole blocks
   * rather than ImageNet-C's fractional resize factors: on a 28 px image a fractional grid mixes
   * one- and two-pixel blocks and a milder factor can then lose more detail than a stronger one.
   */
  static final double[] PIXELATE_BLOCK = {2, 3, 4, 5, 6};

  /**
   * JPEG quality (0-100). Lower than CIFAR-10-C's levels because an 8x8 block already covers a
   * large part of a 28 px image, so a little compression goes a long way.
   */
  static final int[] JPEG_QUALITY = {30, 20, 12, 8, 4};

  private DigitalKernels() {}

  static Image brightness(Image clean, int severity) {
    float shift = (float) level(BRIGHTNESS_SHIFT, severity);
    float[] p = clean.pixels();
    float[] out = new float[p.length];
    if (clean.channels() == 3) {
      // ImageNet-C raises the HSV value; with hue and saturation fixed, RGB scales with the value.
      int plane = clean.height() * clean.width();
      for (int i = 0; i < plane; i++) {
        float r = p[i];
        float g = p[plane + i];
        float b = p[2 * plane + i];
        float value = Math.max(r, Math.max(g, b));
        float raised = Math.min(1f, value + shift);
        if (value > 0f) {
          float gain = raised / value;
          out[i] = clamp01(r * gain);
          out[plane + i] = clamp01(g * gain);
          out[2 * plane + i] = clamp01(b * gain);
        } else {
          out[i] = raised;
          out[plane + i] = raised;
          out[2 * plane + i] = raised;
        }
      }
    } else {
      for (int i = 0; i < p.length; i++) {
        out[i] = clamp01(p[i] + shift);
      }
    }
    return Image.wrap(clean.channels(), clean.height(), clean.width(), out);
  }

  static Image darken(Image clean, int severity, SplittableRandom rng) {
    double gamma = level(DARKEN_GAMMA, severity);
    double gain = level(DARKEN_GAIN, severity);
    double noise = level(DARKEN_NOISE, severity);
    float[] p = clean.pixels();
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      double v = gain * Math.pow(Math.max(0f, p[i]), gamma);
      out[i] = clamp01(v + noise * CorruptionKernels.gaussian(rng));
    }
    return Image.wrap(clean.channels(), clean.height(), clean.width(), out);
  }

  static Image contrast(Image clean, int severity) {
    float factor = (float) level(CONTRAST_FACTOR, severity);
    int plane = clean.height() * clean.width();
    float[] p = clean.pixels();
    float[] out = new float[p.length];
    for (int c = 0; c < clean.channels(); c++) {
      double sum = 0;
      for (int i = 0; i < plane; i++) {
        sum += p[c * plane + i];
      }
      float mean = (float) (sum / plane);
      for (int i = 0; i < plane; i++) {
        out[c * plane + i] = clamp01((p[c * plane + i] - mean) * factor + mean);
      }
    }
    return Image.wrap(clean.channels(), clean.height(), clean.width(), out);
  }

  static Image pixelate(Image clean, int severity, SplittableRandom rng) {
    int block = Math.max(1, (int) Math.round(level(PIXELATE_BLOCK, severity) * spatialScale(clean)));
    int h = clean.height();
    int w = clean.width();
    // The grid's phase against the content is random per frame, as a camera's sensor grid is:
    // with a fixed phase, whether a block size happens to line up with an object's edges would
    // decide how much it destroys, more than the block size itself.
    int[] rowBlock = blocks(h, block, rng.nextDouble());
    int[] colBlock = blocks(w, block, rng.nextDouble());
    int blockRows = rowBlock[h - 1] + 1;
    int blockCols = colBlock[w - 1] + 1;
    float[] p = clean.pixels();
    float[] out = new float[p.length];
    double[] sums = new double[blockRows * blockCols];
    int[] counts = new int[blockRows * blockCols];
    for (int c = 0; c < clean.channels(); c++) {
      int base = c * h * w;
      Arrays.fill(sums, 0);
      Arrays.fill(counts, 0);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int b = rowBlock[y] * blockCols + colBlock[x];
          sums[b] += p[base + y * w + x];
          counts[b]++;
        }
      }
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          int b = rowBlock[y] * blockCols + colBlock[x];
          out[base + y * w + x] = clamp01(sums[b] / counts[b]);
        }
      }
    }
    return Image.wrap(clean.channels(), h, w, out);
  }

  /**
   * The block of each of {@code size} pixels for blocks of {@code block} pixels whose grid starts
   * {@code phase * block} pixels (rounded down) before the first pixel.
   */
  static int[] blocks(int size, int block, double phase) {
    int offset = (int) (phase * block);
    int[] index = new int[size];
    for (int i = 0; i < size; i++) {
      index[i] = (i + offset) / block;
    }
    return index;
  }

  static Image jpeg(Image clean, int severity) {
    float quality = JPEG_QUALITY[severity - 1] / 100f;
    if (clean.channels() == 3) {
      // Colour goes through JPEG as one YCbCr image, chroma subsampling included.
      return roundTrip(clean, quality, 3);
    }
    // Any other channel count is compressed plane by plane as grey.
    int plane = clean.height() * clean.width();
    float[] out = new float[clean.size()];
    for (int c = 0; c < clean.channels(); c++) {
      float[] single = new float[plane];
      System.arraycopy(clean.pixels(), c * plane, single, 0, plane);
      Image decoded = roundTrip(Image.wrap(1, clean.height(), clean.width(), single), quality, 1);
      System.arraycopy(decoded.pixels(), 0, out, c * plane, plane);
    }
    return Image.wrap(clean.channels(), clean.height(), clean.width(), out);
  }

  private static Image roundTrip(Image image, float quality, int channels) {
    byte[] encoded = encode(ImageOps.toBufferedImage(image), quality);
    Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("jpeg");
    if (!readers.hasNext()) {
      throw new IllegalStateException("this JDK has no JPEG reader (javax.imageio) for the jpeg corruption");
    }
    ImageReader reader = readers.next();
    // Explicit in-memory streams: ImageIO's default stream factory may spill to a temp-file cache.
    try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
      reader.setInput(in);
      BufferedImage decoded = reader.read(0);
      return ImageOps.fromBufferedImage(decoded, channels);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode the JPEG this corruption just encoded", e);
    } finally {
      reader.dispose();
    }
  }

  private static byte[] encode(BufferedImage rendered, float quality) {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    if (!writers.hasNext()) {
      throw new IllegalStateException("this JDK has no JPEG writer (javax.imageio) for the jpeg corruption");
    }
    ImageWriter writer = writers.next();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
      writer.setOutput(out);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionQuality(quality);
      writer.write(null, new IIOImage(rendered, null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode JPEG in memory", e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }
}
