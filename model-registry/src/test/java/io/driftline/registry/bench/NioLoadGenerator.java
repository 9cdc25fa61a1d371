package io.driftline.registry.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * A lightweight HTTP/1.1 load generator for the download benchmark: one persistent keep-alive
 * connection per client (each with its own {@code Authorization} header), all driven by one or
 * a few NIO selector threads, so that 200 clients cost the machine little CPU next to the server
 * they measure.
 *
 * <p>Each connection's raw {@code GET} request is prepared once. A response is parsed just enough:
 * the status line, {@code Content-Length} or {@code Transfer-Encoding: chunked}, and
 * {@code Connection: close} (then the next request goes on a new connection, as Tomcat closes
 * keep-alive connections after 100 requests); body bytes are counted and skipped in one reused
 * buffer per thread. A download succeeds if it is answered 200 with exactly the expected number of
 * bytes; anything else (another status, another length, a closed or failed connection) is
 * counted as an error, and the first error's description is kept.
 *
 * <p>In a run each connection sends a number of requests, either back to back (closed loop:
 * latency from sending the request until the last body byte is read) or paced, one every
 * {@code paceNanos} with the connections spread evenly over the interval; then latency counts from
 * the scheduled send time, so a request sent late because the previous answer was slow (or the
 * selector thread was busy) counts that wait too. Timers have the selector's millisecond
 * resolution, topped up by parking below 1 ms, which can only make a measured latency longer.
 */
final class NioLoadGenerator implements AutoCloseable {

  /** A run gives up if no byte moved for this long. */
  private static final long STALL_NANOS = 30_000_000_000L;

  private final InetSocketAddress address;
  private final long expectedBytes;
  private final List<Worker> workers = new ArrayList<>();
  private final ExecutorService threads;
  private final int connections;

  /**
   * Opens one connection per token to {@code address}, each to GET {@code path} with its token.
   *
   * @param expectedBytes the body length every download must have
   * @param threadCount the selector threads (connections are dealt to them in turn)
   */
  NioLoadGenerator(InetSocketAddress address, String path, List<String> tokens, long expectedBytes, int threadCount)
      throws IOException {
    this.address = address;
    this.expectedBytes = expectedBytes;
    this.connections = tokens.size();
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newFixedThreadPool(threadCount, r -> {
      Thread t = new Thread(r, "bench-client-nio-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    for (int i = 0; i < threadCount; i++) {
      workers.add(new Worker(Selector.open()));
    }
    String host = address.getHostString() + ":" + address.getPort();
    for (int c = 0; c < tokens.size(); c++) {
      byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: Bearer " + tokens.get(c)
          + "\r\nAccept: */*\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
      Worker worker = workers.get(c % threadCount);
      Connection connection = new Connection(c, worker, ByteBuffer.wrap(request).asReadOnlyBuffer());
      connection.open(true);
      worker.connections.add(connection);
    }
  }

  /**
   * What one run gave.
   *
   * @param latencies the latency of each successful download in nanoseconds, in no particular order
   * @param errors the downloads that failed
   * @param firstError what went wrong first, or null if nothing did
   * @param reconnects connections opened anew during the run (the server closed the old one)
   * @param clientCpuNanos the CPU time of the selector threads during the run
   */
  record Result(long[] latencies, int errors, @Nullable String firstError, int reconnects, long clientCpuNanos) {}

  /**
   * Lets every connection download {@code requests} times, back to back ({@code paceNanos} 0) or
   * one every {@code paceNanos}, and waits for the end.
   */
  Result run(int requests, long paceNanos) throws InterruptedException {
    long[] out = new long[connections * requests];
    Arrays.fill(out, -1);
    long base = System.nanoTime() + 1_000_000L;
    List<Future<Long>> cpu = new ArrayList<>();
    for (Worker w : workers) {
      cpu.add(threads.submit(() -> w.run(requests, paceNanos, base, out)));
    }
    long cpuNanos = 0;
    for (Future<Long> f : cpu) {
      try {
        cpuNanos += f.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("load generator failed: " + e.getCause(), e.getCause());
      }
    }
    int errors = 0;
    int reconnects = 0;
    String firstError = null;
    for (Worker w : workers) {
      errors += w.errors;
      reconnects += w.reconnects;
      if (firstError == null) {
        firstError = w.firstError;
      }
    }
    long[] latencies = Arrays.stream(out).filter(v -> v >= 0).toArray();
    return new Result(latencies, errors, firstError, reconnects, cpuNanos);
  }

  @Override
  public void close() {
    threads.shutdownNow();
    for (Worker w : workers) {
      for (Connection c : w.connections) {
        c.closeChannel();
      }
      try {
        w.selector.close();
      } catch (IOException e) {
        // closing: nothing left to do with it
      }
    }
  }

  /** One selector thread's connections and its run loop. */
  private final class Worker {
    final Selector selector;
    final List<Connection> connections = new ArrayList<>();
    /** Connections waiting for their scheduled send time (paced runs). */
    final PriorityQueue<Connection> timers = new PriorityQueue<>((a, b) -> Long.compare(a.nextSend, b.nextSend));
    /** Body bytes are read into this buffer and dropped. */
    final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
    int requests;
    long paceNanos;
    long[] out = new long[0];
    int active;
    int errors;
    int reconnects;
    @Nullable String firstError;

    Worker(Selector selector) {
      this.selector = selector;
    }

    /** Runs every connection's downloads; returns this thread's CPU time. */
    long run(int requestCount, long pace, long base, long[] latencies) throws IOException {
      long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      requests = requestCount;
      paceNanos = pace;
      out = latencies;
      errors = 0;
      reconnects = 0;
      firstError = null;
      active = connections.size();
      for (Connection c : connections) {
        c.done = 0;
        c.nextSend = base + (pace == 0 ? 0 : pace * c.index / NioLoadGenerator.this.connections);
        timers.add(c);
      }
      long lastProgress = System.nanoTime();
      while (active > 0) {
        long now = System.nanoTime();
        while (!timers.isEmpty() && timers.peek().nextSend <= now) {
          Connection c = timers.poll();
          c.send(c.nextSend);
        }
        int ready;
        if (timers.isEmpty()) {
          ready = selector.select(1000);
        } else {
          long wait = timers.peek().nextSend - System.nanoTime();
          if (wait >= 1_000_000L) {
            ready = selector.select(wait / 1_000_000L);
          } else {
            if (wait > 0) {
              LockSupport.parkNanos(wait);
            }
            ready = selector.selectNow();
          }
        }
        if (ready > 0) {
          lastProgress = System.nanoTime();
          Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
          while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            Connection c = (Connection) key.attachment();
            if (key.isValid() && key.isConnectable()) {
              c.connected();
            }
            if (key.isValid() && key.isWritable()) {
              c.write();
            }
            if (key.isValid() && key.isReadable()) {
              c.read();
            }
          }
        } else if (timers.isEmpty() && System.nanoTime() - lastProgress > STALL_NANOS) {
          throw new IllegalStateException(active + " connections got no answer for 30 s");
        }
      }
      return ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;
    }

    void fail(Connection c, String problem) {
      errors++;
      if (firstError == null) {
        firstError = "connection " + c.index + ": " + problem;
      }
    }
  }

  /** One keep-alive connection and the parse state of its current response. */
  private final class Connection {
    private static final int HEAD = 0;
    private static final int BODY = 1;
    private static final int CHUNK_SIZE = 2;
    private static final int CHUNK_DATA = 3;
    private static final int CHUNK_DATA_END = 4;
    private static final int TRAILER = 5;
    private static final int IDLE = 6;

    final int index;
    final Worker worker;
    final ByteBuffer request;
    @Nullable SocketChannel channel;
    @Nullable SelectionKey key;
    /** A non-blocking connect is in progress. */
    boolean connecting;
    /** Requests finished (successfully or not) in this run. */
    int done;
    long nextSend;
    /** When the current request's latency starts: its scheduled or its actual send time. */
    long t0;
    int state = IDLE;
    final byte[] head = new byte[8 * 1024];
    int headLength;
    int status;
    boolean closeAfter;
    long remaining;
    long bodyBytes;
    /** In CHUNK_SIZE: past the hex digits (a chunk extension or the line end); in TRAILER: bytes of the current line. */
    boolean sizeDone;
    int lineLength;
    byte previous;

    Connection(int index, Worker worker, ByteBuffer request) {
      this.index = index;
      this.worker = worker;
      this.request = request;
    }

    /**
     * Opens the connection: blocking before the runs; during a run without blocking, so that a slow
     * handshake (the server's accept queue full) does not hold up the other connections.
     */
    void open(boolean blocking) throws IOException {
      SocketChannel ch = SocketChannel.open();
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      ch.configureBlocking(blocking);
      boolean connected = ch.connect(address);
      ch.configureBlocking(false);
      channel = ch;
      connecting = !connected;
      key = ch.register(worker.selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
    }

    /** The handshake of a connection opened during a run completed: send the waiting request. */
    void connected() {
      try {
        if (channel.finishConnect()) {
          connecting = false;
          write();
        }
      } catch (IOException e) {
        finish(false, false, "connect failed: " + e);
      }
    }

    void closeChannel() {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException e) {
          // closing: nothing left to do with it
        }
        channel = null;
        connecting = false;
        key = null;
      }
    }

    /** Sends the next request; in a paced run its latency counts from {@code scheduled}. */
    void send(long scheduled) {
      t0 = worker.paceNanos > 0 ? scheduled : System.nanoTime();
      state = HEAD;
      headLength = 0;
      bodyBytes = 0;
      closeAfter = false;
      try {
        request.rewind();
        if (channel == null) {
          worker.reconnects++;
          open(false);
        }
        if (!connecting) {
          write();
        }
      } catch (IOException e) {
        finish(false, false, "send failed: " + e);
      }
    }

    void write() {
      try {
        channel.write(request);
        key.interestOps(request.hasRemaining() ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
      } catch (IOException e) {
        finish(false, false, "send failed: " + e);
      }
    }

    void read() {
      ByteBuffer buffer = worker.readBuffer;
      try {
        while (channel != null) {
          buffer.clear();
          int n = channel.read(buffer);
          if (n == 0) {
            return;
          }
          if (n < 0) {
            if (state == IDLE) {
              closeChannel(); // the server closed an idle connection: reopen it for the next request
            } else {
              finish(false, false, "connection closed after " + (state == HEAD ? headLength + " bytes of the head" : bodyBytes + " body bytes"));
            }
            return;
          }
          buffer.flip();
          if (state == IDLE) {
            worker.fail(this, n + " bytes while no request was outstanding");
            closeChannel();
            return;
          }
          if (parse(buffer)) {
            boolean extra = buffer.hasRemaining();
            boolean ok = status == 200 && bodyBytes == expectedBytes && !extra;
            finish(ok, !extra, "answered " + status + " with " + bodyBytes + " body bytes" + (extra ? " and more bytes after it" : ""));
            return;
          }
        }
      } catch (IOException | RuntimeException e) {
        finish(false, false, "read failed: " + e);
      }
    }

    /** Consumes bytes of the response; true once it is complete. */
    private boolean parse(ByteBuffer buffer) {
      while (buffer.hasRemaining()) {
        switch (state) {
          case HEAD -> {
            while (buffer.hasRemaining()) {
              if (headLength == head.length) {
                throw new IllegalStateException("response head longer than " + head.length + " bytes");
              }
              head[headLength++] = buffer.get();
              if (headLength >= 4 && head[headLength - 1] == '\n' && head[headLength - 2] == '\r'
                  && head[headLength - 3] == '\n' && head[headLength - 4] == '\r') {
                parseHead();
                if (state == BODY && remaining == 0) {
                  return true;
                }
                break;
              }
            }
          }
          case BODY -> {
            int n = (int) Math.min(remaining, buffer.remaining());
            buffer.position(buffer.position() + n);
            remaining -= n;
            bodyBytes += n;
            if (remaining == 0) {
              return true;
            }
          }
          case CHUNK_SIZE -> {
            byte b = buffer.get();
            if (b == '\n' && previous == '\r') {
              if (remaining == 0) {
                state = TRAILER;
                lineLength = 0;
              } else {
                state = CHUNK_DATA;
              }
            } else if (!sizeDone && Character.digit(b, 16) >= 0) {
              remaining = remaining * 16 + Character.digit(b, 16);
            } else if (b != '\r') {
              sizeDone = true;
            }
            previous = b;
          }
          case CHUNK_DATA -> {
            int n = (int) Math.min(remaining, buffer.remaining());
            buffer.position(buffer.position() + n);
            remaining -= n;
            bodyBytes += n;
            if (remaining == 0) {
              state = CHUNK_DATA_END;
              lineLength = 0;
            }
          }
          case CHUNK_DATA_END -> {
            byte b = buffer.get();
            if (++lineLength == 2) {
              if (b != '\n') {
                throw new IllegalStateException("chunk not followed by CRLF");
              }
              startChunk();
            }
          }
          case TRAILER -> {
            byte b = buffer.get();
            if (b == '\n' && previous == '\r') {
              if (lineLength == 1) {
                return true; // the empty line after the last chunk
              }
              lineLength = 0;
            } else {
              lineLength++;
            }
            previous = b;
          }
          default -> throw new IllegalStateException("bytes in parser state " + state);
        }
      }
      return false;
    }

    private void startChunk() {
      state = CHUNK_SIZE;
      remaining = 0;
      sizeDone = false;
      previous = 0;
    }

    private void parseHead() {
      String text = new String(head, 0, headLength, StandardCharsets.ISO_8859_1);
      String[] lines = text.split("\r\n");
      String[] statusLine = lines[0].split(" ", 3);
      if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
        throw new IllegalStateException("not an HTTP/1.x status line: " + lines[0]);
      }
      status = Integer.parseInt(statusLine[1]);
      closeAfter = statusLine[0].equals("HTTP/1.0");
      long length = -1;
      boolean chunked = false;
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = lines[i].substring(colon + 1).trim().toLowerCase(Locale.ROOT);
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.endsWith("chunked");
          case "connection" -> closeAfter |= value.contains("close");
          default -> { }
        }
      }
      if (chunked) {
        startChunk();
      } else if (length >= 0) {
        state = BODY;
        remaining = length;
      } else {
        throw new IllegalStateException("response with neither Content-Length nor chunked body (status " + status + ")");
      }
    }

    /**
     * Ends the current request: records it, then sends the next one or schedules it. The connection
     * is kept if the response was read to its end and the server did not ask to close it.
     */
    private void finish(boolean ok, boolean framed, String problem) {
      long now = System.nanoTime();
      int i = done++;
      if (ok) {
        worker.out[index * worker.requests + i] = now - t0;
      } else {
        worker.fail(this, problem);
      }
      state = IDLE;
      if (closeAfter || !framed) {
        closeChannel();
      }
      if (done == worker.requests) {
        worker.active--;
        return;
      }
      if (worker.paceNanos == 0) {
        send(now);
      } else {
        nextSend += worker.paceNanos;
        if (nextSend <= now) {
          send(nextSend);
        } else {
          worker.timers.add(this);
        }
      }
    }
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%d connections to %s on %d threads", connections, address, workers.size());
  }
}
