package io.driftline.agent.queue;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Keeps records on disk, in order, within a record count and a byte bound. Each record is one file
 * named by its sequence number, written to a temporary name and moved into place, so a crash never
 * leaves a half record; the queue survives restarts. When a new record would exceed a bound, the
 * <b>oldest</b> records are dropped (newer frames say more about the present drift) and handed to
 * the drop listener, which counts them. Thread-safe.
 */
public final class DiskQueue {

  private static final String SUFFIX = ".rec";

  private final Path folder;
  private final int maxRecords;
  private final long maxBytes;
  private final Consumer<QueuedRecord> onDrop;
  private final Deque<Entry> entries = new ArrayDeque<>();
  private long bytes;
  private long nextSeq;

  private record Entry(long seq, Path file, long size, String topic) {}

  /** Opens (or creates) the queue in {@code folder}, loading the records left by a previous run. */
  public DiskQueue(Path folder, int maxRecords, long maxBytes, Consumer<QueuedRecord> onDrop) {
    this.folder = folder;
    this.maxRecords = maxRecords;
    this.maxBytes = maxBytes;
    this.onDrop = onDrop;
    try {
      Files.createDirectories(folder);
      List<Path> files;
      try (Stream<Path> list = Files.list(folder)) {
        files = list.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
      }
      for (Path file : files) {
        long seq = Long.parseLong(file.getFileName().toString().replace(SUFFIX, ""));
        QueuedRecord record = read(file);
        entries.add(new Entry(seq, file, Files.size(file), record.topic()));
        bytes += Files.size(file);
        nextSeq = seq + 1;
      }
      try (Stream<Path> list = Files.list(folder)) {
        for (Path tmp : list.filter(f -> f.getFileName().toString().endsWith(".tmp")).toList()) {
          Files.deleteIfExists(tmp);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open offline queue in " + folder, e);
    }
  }

  /** Appends a record, dropping the oldest ones first if a bound would be exceeded. */
  public synchronized void add(QueuedRecord record) {
    byte[] data = encode(record);
    while (!entries.isEmpty() && (entries.size() + 1 > maxRecords || bytes + data.length > maxBytes)) {
      Entry oldest = entries.peekFirst();
      QueuedRecord dropped = read(oldest.file());
      removeHead();
      onDrop.accept(dropped);
    }
    if (data.length > maxBytes) {
      onDrop.accept(record);
      return;
    }
    long seq = nextSeq++;
    Path file = folder.resolve(String.format("%019d%s", seq, SUFFIX));
    Path tmp = folder.resolve(seq + ".tmp");
    try {
      Files.write(tmp, data);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write offline queue record " + file, e);
    }
    entries.addLast(new Entry(seq, file, data.length, record.topic()));
    bytes += data.length;
  }

  /** The oldest record, or null if the queue is empty. */
  public synchronized @Nullable QueuedRecord peek() {
    Entry head = entries.peekFirst();
    return head == null ? null : read(head.file());
  }

  /** Removes the oldest record (after it was delivered). */
  public synchronized void removeHead() {
    Entry head = entries.pollFirst();
    if (head != null) {
      bytes -= head.size();
      try {
        Files.deleteIfExists(head.file());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete offline queue record " + head.file(), e);
      }
    }
  }

  /** Number of records waiting. */
  public synchronized int size() {
    return entries.size();
  }

  /** Bytes waiting. */
  public synchronized long bytes() {
    return bytes;
  }

  /** Whether nothing waits. */
  public synchronized boolean isEmpty() {
    return entries.isEmpty();
  }

  private static byte[] encode(QueuedRecord record) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream((int) record.size());
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      out.writeUTF(record.topic());
      out.writeUTF(record.key());
      out.writeShort(record.headers().size());
      for (Map.Entry<String, byte[]> h : record.headers()) {
        out.writeUTF(h.getKey());
        out.writeInt(h.getValue().length);
        out.write(h.getValue());
      }
      out.writeInt(record.value().length);
      out.write(record.value());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  private static QueuedRecord read(Path file) {
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      String topic = in.readUTF();
      String key = in.readUTF();
      int headerCount = in.readShort();
      List<Map.Entry<String, byte[]>> headers = new ArrayList<>(headerCount);
      for (int i = 0; i < headerCount; i++) {
        String name = in.readUTF();
        byte[] value = in.readNBytes(in.readInt());
        headers.add(new AbstractMap.SimpleImmutableEntry<>(name, value));
      }
      byte[] value = in.readNBytes(in.readInt());
      return new QueuedRecord(topic, key, value, headers);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read offline queue record " + file, e);
    }
  }

}
