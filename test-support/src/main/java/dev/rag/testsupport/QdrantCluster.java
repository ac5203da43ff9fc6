package dev.rag.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A real Qdrant cluster for tests: several processes of the pinned binary in distributed mode on
 * loopback ports, the first one starting the cluster and the others joining it, as {@code ./rag up
 * --cluster} runs it. Nodes can be killed and started again ({@link QdrantServer#kill()}, {@link
 * QdrantServer#relaunch()}).
 */
public final class QdrantCluster implements AutoCloseable {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private static final Pattern PEER_URI = Pattern.compile("\"uri\"\\s*:");

  private final List<QdrantServer> nodes;
  private final Path dir;

  private QdrantCluster(List<QdrantServer> nodes, Path dir) {
    this.nodes = nodes;
    this.dir = dir;
  }

  /** Starts {@code size} nodes and waits until each knows all of them. */
  public static QdrantCluster start(int size) {
    Path dir;
    try {
      dir = Files.createTempDirectory("rag-qdrant-cluster-");
    } catch (IOException e) {
      throw new UncheckedIOException("Could not create the cluster's directory", e);
    }
    List<QdrantServer> nodes = new ArrayList<>();
    QdrantCluster cluster = new QdrantCluster(nodes, dir);
    try {
      nodes.add(QdrantServer.startNode(dir.resolve("node-1"), null));
      for (int i = 2; i <= size; i++) {
        nodes.add(QdrantServer.startNode(dir.resolve("node-" + i), nodes.get(0).peerUri()));
      }
      cluster.awaitPeers(Duration.ofSeconds(60));
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  /** The nodes, in start order. */
  public List<QdrantServer> nodes() {
    return List.copyOf(nodes);
  }

  /** Every node's gRPC address, {@code host:port,host:port} (as {@code retrieve.qdrant.hosts}). */
  public String grpcAddresses() {
    return nodes.stream().map(n -> n.host() + ":" + n.grpcPort()).collect(Collectors.joining(","));
  }

  /** The body of {@code GET path} on one node's REST API. */
  public static String get(QdrantServer node, String path) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(node.httpUrl() + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException(
            "GET " + path + " -> " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path + " on " + node.httpUrl(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private void awaitPeers(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      boolean all = true;
      for (QdrantServer node : nodes) {
        Matcher m = PEER_URI.matcher(get(node, "/cluster"));
        int peers = 0;
        while (m.find()) {
          peers++;
        }
        all &= peers == nodes.size();
      }
      if (all) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "The Qdrant nodes did not form one cluster within " + timeout + "; see " + dir);
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  /** Stops every node and deletes their storage. */
  @Override
  public void close() {
    nodes.forEach(QdrantServer::close);
    Dirs.deleteQuietly(dir);
  }
}
