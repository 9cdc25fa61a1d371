package io.driftline.sandbox.report;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Builds one inline SVG element as text. Every text and title passes through {@link #escape}; the
 * {@code attrs} arguments are the report's own constants (classes, colours), never data.
 */
final class Svg {

  private final StringBuilder out = new StringBuilder();

  /** Starts an SVG of {@code width} × {@code height} user units; {@code label} is its accessible name. */
  Svg(int width, int height, String label) {
    out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plot\" viewBox=\"0 0 ").append(width).append(' ')
        .append(height).append("\" width=\"").append(width).append("\" height=\"").append(height)
        .append("\" role=\"img\" aria-label=\"").append(escape(label)).append("\">");
  }

  /** Escapes text for XML and HTML content and attribute values; drops characters XML 1.0 cannot hold. */
  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length() + 16);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> {
          // a control character or a lone surrogate would make the page unparseable as XML
          boolean control = c < 0x20 && c != '\t' && c != '\n' && c != '\r';
          boolean loneSurrogate = Character.isHighSurrogate(c)
              ? i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))
              : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(text.charAt(i - 1)));
          b.append(control || loneSurrogate || c == '\uFFFE' || c == '\uFFFF' ? '\uFFFD' : c);
        }
      }
    }
    return b.toString();
  }

  /** A coordinate with one decimal, in the root locale. */
  static String num(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }

  Svg rect(double x, double y, double w, double h, String attrs, @Nullable String title) {
    out.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"")
        .append(num(Math.max(0, w))).append("\" height=\"").append(num(Math.max(0, h))).append("\" ").append(attrs);
    return close("rect", title);
  }

  Svg line(double x1, double y1, double x2, double y2, String attrs, @Nullable String title) {
    out.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"").append(num(x2))
        .append("\" y2=\"").append(num(y2)).append("\" ").append(attrs);
    return close("line", title);
  }

  Svg circle(double cx, double cy, double r, String attrs, @Nullable String title) {
    out.append("<circle cx=\"").append(num(cx)).append("\" cy=\"").append(num(cy)).append("\" r=\"").append(num(r))
        .append("\" ").append(attrs);
    return close("circle", title);
  }

  /** A polygon through {@code xy} = x0, y0, x1, y1, ... */
  Svg polygon(String attrs, @Nullable String title, double... xy) {
    out.append("<polygon points=\"");
    for (int i = 0; i + 1 < xy.length; i += 2) {
      out.append(i == 0 ? "" : " ").append(num(xy[i])).append(',').append(num(xy[i + 1]));
    }
    out.append("\" ").append(attrs);
    return close("polygon", title);
  }

  /** A path; {@code d} is built from numbers by the caller. Empty paths are left out. */
  Svg path(String d, String attrs) {
    if (!d.isEmpty()) {
      out.append("<path d=\"").append(d).append("\" ").append(attrs).append("/>");
    }
    return this;
  }

  /** Text at ({@code x}, {@code y}); {@code text} is escaped here. */
  Svg text(double x, double y, String text, String attrs) {
    return text(x, y, text, attrs, null);
  }

  /** Text with a tooltip. */
  Svg text(double x, double y, String text, String attrs, @Nullable String title) {
    out.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" ").append(attrs).append('>');
    if (title != null) {
      out.append("<title>").append(escape(title)).append("</title>");
    }
    out.append(escape(text)).append("</text>");
    return this;
  }

  /** Opens a group; close it with {@link #end()}. */
  Svg group(String attrs, @Nullable String title) {
    out.append("<g ").append(attrs).append('>');
    if (title != null) {
      out.append("<title>").append(escape(title)).append("</title>");
    }
    return this;
  }

  Svg end() {
    out.append("</g>");
    return this;
  }

  /** The finished element. */
  @Override
  public String toString() {
    return out + "</svg>";
  }

  private Svg close(String element, @Nullable String title) {
    if (title == null) {
      out.append("/>");
    } else {
      out.append("><title>").append(escape(title)).append("</title></").append(element).append('>');
    }
    return this;
  }
}
