package io.driftline.core.events;

import io.driftline.core.hdc.Hypervector;
import java.time.Instant;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;

/**
 * Reads a {@link TelemetryWindow} from JSON in one streaming pass, the hot path of the drift
 * detector: no tree, no reflection, and the instants in the writer's ISO-8601 form
 * ({@code 2026-11-25T20:36:41.123Z}) read without {@code DateTimeFormatter}.
 *
 * <p>Only input it reads exactly as {@link EventJson#read} would is taken on the fast path: plain
 * JSON tokens of the expected kind, each field at most once, instants in the form
 * {@code yyyy-MM-ddTHH:mm:ss[.fraction]Z}. Anything else (another ISO-8601 form, a coercible string,
 * a missing field, a constructor check that fails, malformed JSON) is handed to
 * {@link EventJson#read}, so results and error messages are those of the general reader.
 */
final class TelemetryWindowJson {

  private TelemetryWindowJson() {}

  /** Thrown inside the fast path when it must leave the input to the general reader. */
  private static final class Fallback extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Fallback INSTANCE = new Fallback();

    private Fallback() {
      super(null, null, false, false);
    }
  }

  /** Reads {@code data}, throwing an {@link EventFormatException} that names the problem. */
  static TelemetryWindow read(String topic, byte[] data) {
    try {
      TelemetryWindow w = readFast(data);
      if (w != null) {
        return w;
      }
    } catch (Fallback | JacksonException | IllegalArgumentException | NullPointerException e) {
      // the general reader below gives the message
    }
    return EventJson.read(topic, data, TelemetryWindow.class);
  }

  /** Returns the window, or null (or throws) when the general reader must decide. */
  static @Nullable TelemetryWindow readFast(byte[] data) {
    try (JsonParser p = EventJson.MAPPER.createParser(data)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      String deviceId = null;
      long windowSeq = 0;
      Instant start = null;
      Instant end = null;
      int frameCount = 0;
      ScoreSummary oodScore = null;
      double meanEntropy = 0;
      double meanHdcSimilarity = 0;
      int uploads = 0;
      DropCounts dropped = null;
      BundleRef activeBundle = null;
      int[] classHistogram = null;
      Hypervector domainSignature = null;
      int seen = 0;
      String name;
      while ((name = p.nextName()) != null) {
        JsonToken t = p.nextToken();
        int bit = switch (name) {
          case "deviceId" -> 1;
          case "windowSeq" -> 2;
          case "start" -> 4;
          case "end" -> 8;
          case "frameCount" -> 16;
          case "oodScore" -> 32;
          case "meanEntropy" -> 64;
          case "meanHdcSimilarity" -> 128;
          case "uploads" -> 256;
          case "dropped" -> 512;
          case "activeBundle" -> 1024;
          case "classHistogram" -> 2048;
          case "domainSignature" -> 4096;
          default -> 0;
        };
        if (bit == 0) {
          p.skipChildren();
          continue;
        }
        if ((seen & bit) != 0) {
          throw Fallback.INSTANCE; // duplicate: the tree keeps the last, let the general reader decide
        }
        seen |= bit;
        switch (bit) {
          case 1 -> deviceId = string(p, t);
          case 2 -> windowSeq = longValue(p, t);
          case 4 -> start = instant(p, t);
          case 8 -> end = instant(p, t);
          case 16 -> frameCount = intValue(p, t);
          case 32 -> oodScore = scoreSummary(p, t);
          case 64 -> meanEntropy = doubleValue(p, t);
          case 128 -> meanHdcSimilarity = doubleValue(p, t);
          case 256 -> uploads = intValue(p, t);
          case 512 -> dropped = dropCounts(p, t);
          case 1024 -> activeBundle = t == JsonToken.VALUE_NULL ? null : bundleRef(p, t);
          case 2048 -> classHistogram = ints(p, t);
          default -> domainSignature = t == JsonToken.VALUE_NULL ? null : hypervector(p, t);
        }
      }
      if ((seen | 1024 | 4096) != 8191 || p.nextToken() != null) {
        return null; // a required field is missing, or trailing tokens
      }
      return new TelemetryWindow(deviceId, windowSeq, start, end, frameCount, oodScore, meanEntropy,
          meanHdcSimilarity, uploads, dropped, activeBundle, classHistogram, domainSignature);
    }
  }

  private static String string(JsonParser p, JsonToken t) {
    if (t != JsonToken.VALUE_STRING) {
      throw Fallback.INSTANCE;
    }
    return p.getString();
  }

  private static int intValue(JsonParser p, JsonToken t) {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
      throw Fallback.INSTANCE;
    }
    return p.getIntValue();
  }

  private static long longValue(JsonParser p, JsonToken t) {
    if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw Fallback.INSTANCE;
    }
    return p.getLongValue();
  }

  private static double doubleValue(JsonParser p, JsonToken t) {
    if (t == JsonToken.VALUE_NUMBER_FLOAT
        || (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER)) {
      return p.getDoubleValue();
    }
    throw Fallback.INSTANCE;
  }

  private static void startObject(JsonToken t) {
    if (t != JsonToken.START_OBJECT) {
      throw Fallback.INSTANCE;
    }
  }

  private static ScoreSummary scoreSummary(JsonParser p, JsonToken t) {
    startObject(t);
    double[] v = new double[5];
    int seen = 0;
    String name;
    while ((name = p.nextName()) != null) {
      JsonToken vt = p.nextToken();
      int i = switch (name) {
        case "mean" -> 0;
        case "std" -> 1;
        case "p50" -> 2;
        case "p90" -> 3;
        case "p99" -> 4;
        default -> -1;
      };
      if (i < 0) {
        p.skipChildren();
        continue;
      }
      seen = mark(seen, 1 << i);
      v[i] = doubleValue(p, vt);
    }
    complete(seen, 31);
    return new ScoreSummary(v[0], v[1], v[2], v[3], v[4]);
  }

  private static DropCounts dropCounts(JsonParser p, JsonToken t) {
    startObject(t);
    long overBudget = 0;
    long bufferFull = 0;
    int seen = 0;
    String name;
    while ((name = p.nextName()) != null) {
      JsonToken vt = p.nextToken();
      switch (name) {
        case "overBudget" -> {
          seen = mark(seen, 1);
          overBudget = longValue(p, vt);
        }
        case "bufferFull" -> {
          seen = mark(seen, 2);
          bufferFull = longValue(p, vt);
        }
        default -> p.skipChildren();
      }
    }
    complete(seen, 3);
    return new DropCounts(overBudget, bufferFull);
  }

  private static BundleRef bundleRef(JsonParser p, JsonToken t) {
    startObject(t);
    String bundleId = null;
    long version = 0;
    int seen = 0;
    String name;
    while ((name = p.nextName()) != null) {
      JsonToken vt = p.nextToken();
      switch (name) {
        case "bundleId" -> {
          seen = mark(seen, 1);
          bundleId = string(p, vt);
        }
        case "version" -> {
          seen = mark(seen, 2);
          version = longValue(p, vt);
        }
        default -> p.skipChildren();
      }
    }
    complete(seen, 3);
    return new BundleRef(bundleId, version);
  }

  private static Hypervector hypervector(JsonParser p, JsonToken t) {
    startObject(t);
    int dimension = 0;
    long[] words = null;
    int seen = 0;
    String name;
    while ((name = p.nextName()) != null) {
      JsonToken vt = p.nextToken();
      switch (name) {
        case "dimension" -> {
          seen = mark(seen, 1);
          dimension = intValue(p, vt);
        }
        case "words" -> {
          seen = mark(seen, 2);
          words = longs(p, vt);
        }
        default -> p.skipChildren();
      }
    }
    complete(seen, 3);
    return new Hypervector(dimension, words);
  }

  private static int mark(int seen, int bit) {
    if ((seen & bit) != 0) {
      throw Fallback.INSTANCE;
    }
    return seen | bit;
  }

  private static void complete(int seen, int all) {
    if (seen != all) {
      throw Fallback.INSTANCE;
    }
  }

  private static int[] ints(JsonParser p, JsonToken t) {
    if (t != JsonToken.START_ARRAY) {
      throw Fallback.INSTANCE;
    }
    int[] out = new int[16];
    int n = 0;
    JsonToken e;
    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
      if (n == out.length) {
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = intValue(p, e);
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private static long[] longs(JsonParser p, JsonToken t) {
    if (t != JsonToken.START_ARRAY) {
      throw Fallback.INSTANCE;
    }
    long[] out = new long[16];
    int n = 0;
    JsonToken e;
    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
      if (n == out.length) {
        if (n >= Hypervector.MAX_DIMENSION) {
          throw Fallback.INSTANCE;
        }
        out = Arrays.copyOf(out, n * 2);
      }
      out[n++] = longValue(p, e);
    }
    return n == out.length ? out : Arrays.copyOf(out, n);
  }

  private static Instant instant(JsonParser p, JsonToken t) {
    if (t != JsonToken.VALUE_STRING) {
      throw Fallback.INSTANCE;
    }
    Instant i = parseInstant(p.getStringCharacters(), p.getStringOffset(), p.getStringLength());
    if (i == null) {
      throw Fallback.INSTANCE;
    }
    return i;
  }

  /**
   * Parses {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} (years 0000-9999, a valid date, hours 0-23,
   * seconds 0-59), or returns null for anything else, which the general reader then handles.
   */
  static @Nullable Instant parseInstant(char[] c, int off, int len) {
    if (len < 20 || len > 30 || len == 21 || c[off + len - 1] != 'Z'
        || c[off + 4] != '-' || c[off + 7] != '-' || c[off + 10] != 'T'
        || c[off + 13] != ':' || c[off + 16] != ':') {
      return null;
    }
    int year = digits(c, off, 4);
    int month = digits(c, off + 5, 2);
    int day = digits(c, off + 8, 2);
    int hour = digits(c, off + 11, 2);
    int minute = digits(c, off + 14, 2);
    int second = digits(c, off + 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)
        || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int nanos = 0;
    if (len > 20) {
      if (c[off + 19] != '.') {
        return null;
      }
      int fractionDigits = len - 21;
      int f = digits(c, off + 20, fractionDigits);
      if (f < 0) {
        return null;
      }
      nanos = f;
      for (int i = fractionDigits; i < 9; i++) {
        nanos *= 10;
      }
    }
    long epochDay = epochDay(year, month, day);
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
  }

  private static int digits(char[] c, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      int d = c[i] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static int lengthOfMonth(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (the algorithm of {@code LocalDate.toEpochDay}). */
  private static long epochDay(long year, int month, int day) {
    long total = 365 * year;
    if (year >= 0) {
      total += (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400;
    } else {
      total -= year / -4 - year / -100 + year / -400;
    }
    total += (367 * month - 362) / 12;
    total += day - 1;
    if (month > 2) {
      total--;
      if (lengthOfMonth((int) year, 2) != 29) {
        total--;
      }
    }
    return total - 719_528L;
  }
}
