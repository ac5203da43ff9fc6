package dev.rag.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** Free TCP ports on the loopback interface. */
public final class FreePorts {

  /**
   * Ports are drawn below Linux's ephemeral range (32768-60999 by default): a port from that range,
   * free when it is handed out, can be taken as the local end of some outgoing connection (a Kafka
   * client's, say) before the server that was meant to bind it starts.
   */
  private static final int FROM = 20000;

  private static final int TO = 32000;

  private FreePorts() {}

  /**
   * The first of {@code size} consecutive ports that were all free on 127.0.0.1 a moment ago (for a
   * topology whose processes take ports at fixed offsets from a base).
   */
  public static int block(int size) {
    for (int attempt = 0; attempt < 200; attempt++) {
      int base = ThreadLocalRandom.current().nextInt(FROM, TO - size);
      boolean free = true;
      for (int port = base; port < base + size && free; port++) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          socket.setReuseAddress(true);
        } catch (IOException taken) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IllegalStateException("No " + size + " free consecutive ports on 127.0.0.1");
  }

  /** A port that was free on 127.0.0.1 a moment ago. */
  public static int find() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(FROM, TO);
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
        return socket.getLocalPort();
      } catch (IOException taken) {
        // Try another.
      }
    }
    throw new IllegalStateException("No free port on 127.0.0.1 between " + FROM + " and " + TO);
  }
}
