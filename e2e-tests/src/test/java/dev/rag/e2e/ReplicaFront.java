package dev.rag.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What stands in front of a service's replicas on a cluster (a Kubernetes Service, a TCP load
 * balancer): one address on 127.0.0.1 whose connections go, in turn, to the replicas, and to the
 * next one when a replica refuses the connection (it is down: its endpoint is gone). It balances
 * connections, not requests, and retries nothing that a replica took: a request in flight on a
 * replica that dies fails, as it does behind such a front, and only the client can send it again.
 */
final class ReplicaFront implements AutoCloseable {

  private final ServerSocket server;
  private final List<Integer> replicas;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicInteger moved = new AtomicInteger();
  private final ExecutorService pumps = Executors.newCachedThreadPool();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  ReplicaFront(List<Integer> replicaPorts) throws IOException {
    this.replicas = List.copyOf(replicaPorts);
    this.server = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
    pumps.submit(this::accept);
  }

  /** The front's base URL. */
  String url() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** Connections that went to another replica than their turn's, because it refused them. */
  int moved() {
    return moved.get();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        open.add(client);
        pumps.submit(() -> forward(client));
      } catch (IOException e) {
        // Closed.
      }
    }
  }

  private void forward(Socket client) {
    int first = Math.floorMod(next.getAndIncrement(), replicas.size());
    Socket replica = null;
    for (int i = 0; i < replicas.size() && replica == null; i++) {
      Socket s = new Socket();
      try {
        s.connect(
            new InetSocketAddress(
                InetAddress.getLoopbackAddress(), replicas.get((first + i) % replicas.size())),
            2000);
        replica = s;
        open.add(s);
        if (i > 0) {
          moved.incrementAndGet();
        }
      } catch (IOException refused) {
        closeQuietly(s);
      }
    }
    if (replica == null) {
      closeQuietly(client);
      return;
    }
    Socket backend = replica;
    pumps.submit(() -> pump(backend, client));
    pump(client, backend);
  }

  /** Copies one direction; at its end closes both, as a proxy ends a connection one side ended. */
  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[16 * 1024];
    try (InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream()) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // One side went away.
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private void closeQuietly(Socket s) {
    open.remove(s);
    try {
      s.close();
    } catch (IOException e) {
      // Nothing to do.
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    // Ends every connection still open, so that no pump is left blocked on a read.
    List.copyOf(open).forEach(this::closeQuietly);
    pumps.shutdownNow();
  }
}
