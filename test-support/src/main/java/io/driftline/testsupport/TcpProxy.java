package io.driftline.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * A TCP proxy on a loopback port that a test can cut and restore, to take a client off the network
 * while its peer keeps running: {@link #cut} closes the listening socket and every open connection
 * (the client sees connection resets and refused connects, as when a device's link drops), and
 * {@link #restore} listens on the same port again.
 */
public final class TcpProxy implements AutoCloseable {

  private final int port;
  private final int target;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile @Nullable ServerSocket server;

  private TcpProxy(int port, int target) {
    this.port = port;
    this.target = target;
  }

  /** Starts a proxy on a free loopback port forwarding to {@code 127.0.0.1:target}. */
  public static TcpProxy start(int target) throws IOException {
    return start(ServiceProcess.freePort(), target);
  }

  /** Starts a proxy on {@code port} forwarding to {@code 127.0.0.1:target}. */
  public static TcpProxy start(int port, int target) throws IOException {
    TcpProxy proxy = new TcpProxy(port, target);
    proxy.restore();
    return proxy;
  }

  /** The port the proxy listens on. */
  public int port() {
    return port;
  }

  /** Whether the proxy is cut off (not listening). */
  public boolean isCut() {
    return server == null;
  }

  /** Drops every connection and stops listening. */
  public synchronized void cut() {
    ServerSocket s = server;
    server = null;
    closeQuietly(s);
    for (Socket socket : open) {
      closeQuietly(socket);
    }
    open.clear();
  }

  /** Listens again on the same port (no-op if listening). */
  public synchronized void restore() throws IOException {
    if (server != null) {
      return;
    }
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    server = s;
    Thread acceptor = new Thread(() -> accept(s), "tcp-proxy-" + port);
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void accept(ServerSocket s) {
    while (!s.isClosed()) {
      try {
        Socket client = s.accept();
        Socket upstream;
        try {
          upstream = new Socket(InetAddress.getLoopbackAddress(), target);
        } catch (IOException e) {
          closeQuietly(client);
          continue;
        }
        if (server != s) {
          closeQuietly(client);
          closeQuietly(upstream);
          continue;
        }
        open.add(client);
        open.add(upstream);
        pipe(client, upstream);
        pipe(upstream, client);
      } catch (IOException e) {
        // closed by cut() or close()
      }
    }
  }

  private void pipe(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16 * 1024];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // one side went away; close both below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    }, "tcp-proxy-pipe-" + port);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(@Nullable AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        // already closed
      }
    }
  }

  @Override
  public void close() {
    cut();
  }
}
