package io.driftline.core.image;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/** Conversions between {@link Image}, 8-bit pixels and image files, and shape changes. */
public final class ImageOps {

  /**
   * Most pixels (width x height) {@link #read} decodes: 2048 x 2048. Decoding and converting to a
   * float image allocates about 40 bytes a pixel (ImageIO's raster, {@code getRGB}, three float
   * planes), so this keeps one file under about 170 MB; dataset images and camera frames are far
   * smaller, and every frame is resized to the student's input anyway.
   */
  public static final int MAX_READ_PIXELS = 2048 * 2048;

  private ImageOps() {}

  /** Clamps every pixel to [0,1] in place and returns the same image. */
  public static Image clampInPlace(Image image) {
    float[] p = image.pixels();
    for (int i = 0; i < p.length; i++) {
      p[i] = clamp01(p[i]);
    }
    return image;
  }

  /** Clamps one value to [0,1]; NaN becomes 0 so a bad pixel cannot poison a tensor. */
  public static float clamp01(float v) {
    if (!(v > 0f)) {
      return 0f;
    }
    return v > 1f ? 1f : v;
  }

  /** Builds an image from unsigned 8-bit CHW pixels (0..255 map to 0..1). */
  public static Image fromUint8(int channels, int height, int width, byte[] pixels) {
    float[] out = new float[pixels.length];
    for (int i = 0; i < pixels.length; i++) {
      out[i] = (pixels[i] & 0xFF) / 255f;
    }
    return new Image(channels, height, width, out);
  }

  /** Quantises an image to unsigned 8-bit CHW pixels, rounding to nearest. */
  public static byte[] toUint8(Image image) {
    float[] p = image.pixels();
    byte[] out = new byte[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = (byte) Math.round(clamp01(p[i]) * 255f);
    }
    return out;
  }

  /**
   * Resizes with bilinear interpolation (pixel centres aligned, as in common image libraries).
   * Returns the same image when the size already matches.
   */
  public static Image resize(Image image, int height, int width) {
    if (image.height() == height && image.width() == width) {
      return image;
    }
    if (height <= 0 || width <= 0) {
      throw new IllegalArgumentException("target size must be positive, got " + height + "x" + width);
    }
    int c = image.channels();
    int h = image.height();
    int w = image.width();
    float[] src = image.pixels();
    float[] out = new float[c * height * width];
    float sy = (float) h / height;
    float sx = (float) w / width;
    for (int y = 0; y < height; y++) {
      float fy = Math.max(0f, (y + 0.5f) * sy - 0.5f);
      int y0 = Math.min((int) fy, h - 1);
      int y1 = Math.min(y0 + 1, h - 1);
      float dy = fy - y0;
      for (int x = 0; x < width; x++) {
        float fx = Math.max(0f, (x + 0.5f) * sx - 0.5f);
        int x0 = Math.min((int) fx, w - 1);
        int x1 = Math.min(x0 + 1, w - 1);
        float dx = fx - x0;
        for (int ch = 0; ch < c; ch++) {
          int base = ch * h * w;
          float top = src[base + y0 * w + x0] * (1 - dx) + src[base + y0 * w + x1] * dx;
          float bottom = src[base + y1 * w + x0] * (1 - dx) + src[base + y1 * w + x1] * dx;
          out[(ch * height + y) * width + x] = top * (1 - dy) + bottom * dy;
        }
      }
    }
    return new Image(c, height, width, out);
  }

  /**
   * Converts to the given number of channels: grey to colour repeats the plane, colour to grey uses
   * ITU-R BT.601 luma weights. Returns the same image when the count already matches.
   */
  public static Image toChannels(Image image, int channels) {
    if (image.channels() == channels) {
      return image;
    }
    int plane = image.height() * image.width();
    float[] src = image.pixels();
    if (image.channels() == 1 && channels == 3) {
      float[] out = new float[3 * plane];
      for (int ch = 0; ch < 3; ch++) {
        System.arraycopy(src, 0, out, ch * plane, plane);
      }
      return new Image(3, image.height(), image.width(), out);
    }
    if (image.channels() == 3 && channels == 1) {
      float[] out = new float[plane];
      for (int i = 0; i < plane; i++) {
        out[i] = 0.299f * src[i] + 0.587f * src[plane + i] + 0.114f * src[2 * plane + i];
      }
      return new Image(1, image.height(), image.width(), out);
    }
    throw new IllegalArgumentException(
        "cannot convert " + image.channels() + " channels to " + channels + " (only 1 and 3 are supported)");
  }

  /** Converts to the given shape: channels first, then size. */
  public static Image conform(Image image, int channels, int height, int width) {
    return resize(toChannels(image, channels), height, width);
  }

  /** Converts a decoded AWT image to grey (1 channel) or RGB (3 channels). */
  public static Image fromBufferedImage(BufferedImage source, int channels) {
    int h = source.getHeight();
    int w = source.getWidth();
    int plane = h * w;
    float[] rgb = new float[3 * plane];
    boolean grey = true;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int argb = source.getRGB(x, y);
        int r = (argb >> 16) & 0xFF;
        int g = (argb >> 8) & 0xFF;
        int b = argb & 0xFF;
        grey &= r == g && g == b;
        int i = y * w + x;
        rgb[i] = r / 255f;
        rgb[plane + i] = g / 255f;
        rgb[2 * plane + i] = b / 255f;
      }
    }
    Image colour = new Image(3, h, w, rgb);
    if (channels == 1 && grey) {
      float[] plain = new float[plane];
      System.arraycopy(rgb, 0, plain, 0, plane);
      return new Image(1, h, w, plain);
    }
    return toChannels(colour, channels);
  }

  /** Renders an image as an AWT image (grey or RGB), for writing PNG files. */
  public static BufferedImage toBufferedImage(Image image) {
    int h = image.height();
    int w = image.width();
    int plane = h * w;
    float[] p = image.pixels();
    BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int i = y * w + x;
        int r = Math.round(clamp01(p[i]) * 255f);
        int g = image.channels() == 3 ? Math.round(clamp01(p[plane + i]) * 255f) : r;
        int b = image.channels() == 3 ? Math.round(clamp01(p[2 * plane + i]) * 255f) : r;
        out.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    return out;
  }

  /**
   * Decodes a PNG, JPEG, BMP or GIF stream of at most {@value #MAX_READ_PIXELS} pixels.
   *
   * <p>The size in the image's header is checked before anything is decoded: ImageIO allocates the
   * whole raster the header announces, so a file of a few dozen bytes could otherwise claim
   * 50000 x 50000 pixels and take gigabytes.
   *
   * @throws IOException if the stream is not an image format the JDK can read, or is larger
   */
  public static Image read(InputStream in, int channels) throws IOException {
    try (ImageInputStream stream = ImageIO.createImageInputStream(in)) {
      Iterator<ImageReader> readers = stream == null ? null : ImageIO.getImageReaders(stream);
      if (readers == null || !readers.hasNext()) {
        throw new IOException("not a readable image (PNG, JPEG, BMP or GIF expected)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(stream, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_READ_PIXELS) {
          throw new IOException("image of " + reader.getWidth(0) + " x " + reader.getHeight(0) + " pixels is larger "
              + "than the " + MAX_READ_PIXELS + " pixels Driftline reads; downscale it");
        }
        return fromBufferedImage(reader.read(0), channels);
      } finally {
        reader.dispose();
      }
    }
  }

  /** Writes an image as PNG. */
  public static void writePng(Image image, OutputStream out) {
    try {
      ImageIO.write(toBufferedImage(image), "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write PNG", e);
    }
  }
}
