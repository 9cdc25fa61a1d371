package io.driftline.core.hdc;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * Labelled prototypes (class prototypes, or domain prototypes for routing) each kept as a
 * {@link CountingBundle} of the hypervectors added under its label; a prototype is the bundle's majority with
 * ties broken by a fixed pattern derived from {@link #tieBreakSeed()}. Labels are kept in their
 * natural (String) order, which is also the tie-break order of {@link #nearest}. Prototypes are
 * cached until their label receives a new vector. Not thread-safe: one owner updates it, or readers
 * use a {@link #copy()}.
 */
public final class PrototypeMemory {

  /** The tie-break seed used when none is given. */
  public static final long DEFAULT_TIE_BREAK_SEED = 0x7E5B4EA4L;

  /** Labels longer than this are rejected, so every label fits the file format. */
  public static final int MAX_LABEL_LENGTH = 1_000;

  static final int MAGIC = 0x444C4850; // "DLHP"
  static final short VERSION = 1;
  private static final String KIND = "HDC prototype memory";

  private final int dimension;
  private final long tieBreakSeed;
  private final Hypervector tieBreak;
  private final TreeMap<String, Entry> entries = new TreeMap<>();

  private static final class Entry {
    final CountingBundle bundle;
    @Nullable Hypervector prototype;

    Entry(CountingBundle bundle) {
      this.bundle = bundle;
    }
  }

  /** Creates an empty memory of {@code dimension}-bit prototypes with the default tie-break seed. */
  public PrototypeMemory(int dimension) {
    this(dimension, DEFAULT_TIE_BREAK_SEED);
  }

  /** Creates an empty memory of {@code dimension}-bit prototypes. */
  public PrototypeMemory(int dimension, long tieBreakSeed) {
    if (dimension <= 0 || dimension > Hypervector.MAX_DIMENSION) {
      throw new IllegalArgumentException(
          "dimension must be 1.." + Hypervector.MAX_DIMENSION + ", got " + dimension);
    }
    this.dimension = dimension;
    this.tieBreakSeed = tieBreakSeed;
    this.tieBreak = CountingBundle.tieBreakPattern(dimension, tieBreakSeed);
  }

  /**
   * Adds {@code hv} to the prototype of {@code label}, creating the label if new.
   *
   * @throws IllegalArgumentException if the label is blank or too long, or the dimension differs
   */
  public void add(String label, Hypervector hv) {
    requireLabel(label);
    requireDimension(hv.dimension(), "hypervector");
    Entry entry = entries.computeIfAbsent(label, l -> new Entry(new CountingBundle(dimension)));
    entry.bundle.add(hv);
    entry.prototype = null;
  }

  /** Returns the prototype of {@code label}, or empty if nothing was added under it. */
  public Optional<Hypervector> prototype(String label) {
    Entry entry = entries.get(label);
    return entry == null ? Optional.empty() : Optional.of(prototypeOf(entry));
  }

  /** Number of vectors added under {@code label} (0 if unknown). */
  public int count(String label) {
    Entry entry = entries.get(label);
    return entry == null ? 0 : entry.bundle.count();
  }

  /** Returns a copy of the bundle (counters) behind {@code label}, if known. */
  public Optional<CountingBundle> bundle(String label) {
    Entry entry = entries.get(label);
    return entry == null ? Optional.empty() : Optional.of(entry.bundle.copy());
  }

  /** Removes a label and its prototype; returns whether it was there. */
  public boolean remove(String label) {
    return entries.remove(label) != null;
  }

  /** The labels in their natural order (an unmodifiable snapshot). */
  public Set<String> labels() {
    return Collections.unmodifiableSet(new TreeSet<>(entries.keySet()));
  }

  /** Number of labels. */
  public int size() {
    return entries.size();
  }

  /** Whether no label has been added. */
  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Bit width of the prototypes. */
  public int dimension() {
    return dimension;
  }

  /** Seed of the pattern that decides tied majority bits. */
  public long tieBreakSeed() {
    return tieBreakSeed;
  }

  /**
   * Returns the prototype most similar to {@code query} (ties go to the label that sorts first), or
   * empty if the memory is empty.
   *
   * @throws IllegalArgumentException if the dimension differs
   */
  public Optional<PrototypeMatch> nearest(Hypervector query) {
    requireDimension(query.dimension(), "query");
    String bestLabel = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      int distance = prototypeOf(e.getValue()).hamming(query);
      if (distance < bestDistance) {
        bestDistance = distance;
        bestLabel = e.getKey();
      }
    }
    return bestLabel == null
        ? Optional.empty()
        : Optional.of(new PrototypeMatch(bestLabel, 1.0 - (double) bestDistance / dimension));
  }

  /**
   * Returns the similarity of {@code query} to every prototype, most similar first (ties in label
   * order).
   *
   * @throws IllegalArgumentException if the dimension differs
   */
  public List<PrototypeMatch> similarities(Hypervector query) {
    requireDimension(query.dimension(), "query");
    List<PrototypeMatch> matches = new ArrayList<>(entries.size());
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      matches.add(new PrototypeMatch(e.getKey(), prototypeOf(e.getValue()).hammingSimilarity(query)));
    }
    matches.sort(Comparator.comparingDouble(PrototypeMatch::similarity).reversed()
        .thenComparing(PrototypeMatch::label));
    return matches;
  }

  /**
   * Returns a new memory whose counters are the sums of both memories' counters per label (as if
   * every vector had been added to one memory); both inputs are left unchanged.
   *
   * @throws IllegalArgumentException if the dimensions or tie-break seeds differ
   */
  public PrototypeMemory merge(PrototypeMemory other) {
    requireDimension(other.dimension, "other memory");
    if (other.tieBreakSeed != tieBreakSeed) {
      throw new IllegalArgumentException("cannot merge prototype memories with different tie-break seeds ("
          + tieBreakSeed + " vs " + other.tieBreakSeed + "); their prototypes would not be comparable");
    }
    PrototypeMemory merged = copy();
    for (Map.Entry<String, Entry> e : other.entries.entrySet()) {
      Entry target = merged.entries.computeIfAbsent(e.getKey(), l -> new Entry(new CountingBundle(dimension)));
      target.bundle.addAll(e.getValue().bundle);
      target.prototype = null;
    }
    return merged;
  }

  /** Returns an independent copy. */
  public PrototypeMemory copy() {
    PrototypeMemory copy = new PrototypeMemory(dimension, tieBreakSeed);
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      Entry entry = new Entry(e.getValue().bundle.copy());
      entry.prototype = e.getValue().prototype;
      copy.entries.put(e.getKey(), entry);
    }
    return copy;
  }

  /**
   * Writes the memory (dimension, tie-break seed, and per label its count and bit counters, each
   * counter in the fewest of 1, 2 or 4 bytes that holds the count) in the format described in
   * {@code docs/uncertainty-hdc-ugs.md}.
   */
  public void write(OutputStream out) throws IOException {
    byte[] payload = HdcFormat.payload(data -> {
      data.writeInt(dimension);
      data.writeLong(tieBreakSeed);
      data.writeInt(entries.size());
      for (Map.Entry<String, Entry> e : entries.entrySet()) {
        writeEntry(data, e.getKey(), e.getValue().bundle);
      }
    });
    HdcFormat.write(out, MAGIC, VERSION, payload);
  }

  private static void writeEntry(DataOutputStream data, String label, CountingBundle bundle) throws IOException {
    data.writeUTF(label);
    int count = bundle.count();
    int width = count <= 0xFF ? 1 : count <= 0xFFFF ? 2 : 4;
    data.writeInt(count);
    data.writeByte(width);
    for (int ones : bundle.counters()) {
      switch (width) {
        case 1 -> data.writeByte(ones);
        case 2 -> data.writeShort(ones);
        default -> data.writeInt(ones);
      }
    }
  }

  /**
   * Reads a memory written by {@link #write}.
   *
   * @param source names the input in error messages (e.g. a file name)
   * @throws HdcFormatException if the input is not a prototype memory, is truncated or corrupted
   */
  public static PrototypeMemory read(InputStream in, String source) throws IOException {
    DataInputStream data = HdcFormat.read(in, MAGIC, VERSION, KIND, source);
    try {
      int dimension = data.readInt();
      long tieBreakSeed = data.readLong();
      int labels = data.readInt();
      if (dimension <= 0 || dimension > Hypervector.MAX_DIMENSION || labels < 0) {
        throw corrupted(source, "dimension " + dimension + " (at most " + Hypervector.MAX_DIMENSION
            + "), " + labels + " labels");
      }
      PrototypeMemory memory = new PrototypeMemory(dimension, tieBreakSeed);
      for (int i = 0; i < labels; i++) {
        String label = data.readUTF();
        int count = data.readInt();
        int width = data.readUnsignedByte();
        if (label.isBlank() || label.length() > MAX_LABEL_LENGTH || memory.entries.containsKey(label)) {
          throw corrupted(source, "label " + i + " is blank, too long or repeated");
        }
        if (count < 0 || (width != 1 && width != 2 && width != 4)) {
          throw corrupted(source, "label '" + label + "' has count " + count + " and counter width " + width);
        }
        if ((long) width * dimension > data.available()) {
          throw corrupted(source, "counters of label '" + label + "' do not fit the payload");
        }
        int[] ones = new int[dimension];
        for (int d = 0; d < dimension; d++) {
          int value = switch (width) {
            case 1 -> data.readUnsignedByte();
            case 2 -> data.readUnsignedShort();
            default -> data.readInt();
          };
          if (value < 0 || value > count) {
            throw corrupted(source, "label '" + label + "' counts " + value + " set bits at bit " + d
                + " but holds only " + count + " vectors");
          }
          ones[d] = value;
        }
        memory.entries.put(label, new Entry(new CountingBundle(dimension, count, ones)));
      }
      HdcFormat.requireFullyRead(data, KIND, source);
      return memory;
    } catch (EOFException e) {
      throw HdcFormat.inconsistent(KIND, source, e);
    }
  }

  /** Writes the memory to {@code file}, replacing it. */
  public void save(Path file) throws IOException {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
      write(out);
    }
  }

  /**
   * Reads a memory from {@code file}.
   *
   * @throws HdcFormatException naming the file if it is not a prototype memory, truncated or corrupted
   */
  public static PrototypeMemory load(Path file) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
      return read(in, file.toString());
    }
  }

  /** Equal when dimension, tie-break seed, labels and every counter match. */
  @Override
  public boolean equals(@Nullable Object o) {
    if (!(o instanceof PrototypeMemory other)
        || other.dimension != dimension
        || other.tieBreakSeed != tieBreakSeed
        || !other.entries.keySet().equals(entries.keySet())) {
      return false;
    }
    for (Map.Entry<String, Entry> e : entries.entrySet()) {
      CountingBundle mine = e.getValue().bundle;
      CountingBundle theirs = other.entries.get(e.getKey()).bundle;
      if (mine.count() != theirs.count() || !Arrays.equals(mine.counters(), theirs.counters())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * dimension + Long.hashCode(tieBreakSeed)) + entries.keySet().hashCode();
  }

  @Override
  public String toString() {
    return "PrototypeMemory[" + dimension + " bits, labels " + entries.keySet() + "]";
  }

  private Hypervector prototypeOf(Entry entry) {
    Hypervector prototype = entry.prototype;
    if (prototype == null) {
      prototype = entry.bundle.majority(tieBreak);
      entry.prototype = prototype;
    }
    return prototype;
  }

  private void requireDimension(int other, String what) {
    if (other != dimension) {
      throw new IllegalArgumentException(
          what + " has dimension " + other + " but this prototype memory has " + dimension);
    }
  }

  private static void requireLabel(String label) {
    if (label.isBlank()) {
      throw new IllegalArgumentException("label must not be blank");
    }
    if (label.length() > MAX_LABEL_LENGTH) {
      throw new IllegalArgumentException(
          "label is " + label.length() + " characters; at most " + MAX_LABEL_LENGTH + " are allowed");
    }
  }

  private static HdcFormatException corrupted(String source, String detail) {
    return new HdcFormatException(source + ": corrupted " + KIND + " file: " + detail);
  }
}
