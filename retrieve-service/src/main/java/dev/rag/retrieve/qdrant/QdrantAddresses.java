package dev.rag.retrieve.qdrant;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolverProvider;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The nodes of a Qdrant cluster as one gRPC target: {@code qdrant-nodes:///host1:6334,host2:6334}
 * resolves to every node, so a channel with the round-robin policy spreads calls over them and
 * passes by a node that is down (any node answers for the whole collection: it forwards to the
 * shards' holders). The list is fixed; a node that comes back is reconnected to by itself.
 */
final class QdrantAddresses extends NameResolverProvider {

  static final String SCHEME = "qdrant-nodes";

  private static final AtomicBoolean REGISTERED = new AtomicBoolean();

  /** Makes {@value #SCHEME} targets known to gRPC (once per JVM). */
  static void register() {
    if (REGISTERED.compareAndSet(false, true)) {
      NameResolverRegistry.getDefaultRegistry().register(new QdrantAddresses());
    }
  }

  /** The target naming {@code nodes} ({@code host:port} each). */
  static String target(List<String> nodes) {
    return SCHEME + ":///" + String.join(",", nodes);
  }

  /** The addresses of {@code host:port,host:port}. */
  static List<InetSocketAddress> parse(String nodes) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String node : nodes.split(",")) {
      String n = node.strip();
      int colon = n.lastIndexOf(':');
      if (colon <= 0 || colon == n.length() - 1) {
        throw new IllegalArgumentException(
            "retrieve.qdrant.hosts: '" + n + "' is not host:port (the node's gRPC port)");
      }
      int port;
      try {
        port = Integer.parseInt(n.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("retrieve.qdrant.hosts: bad port in '" + n + "'", e);
      }
      addresses.add(InetSocketAddress.createUnresolved(n.substring(0, colon), port));
    }
    return addresses;
  }

  @Override
  protected boolean isAvailable() {
    return true;
  }

  @Override
  protected int priority() {
    return 5;
  }

  @Override
  public String getDefaultScheme() {
    return SCHEME;
  }

  @Override
  public Collection<Class<? extends SocketAddress>> getProducedSocketAddressTypes() {
    return List.of(InetSocketAddress.class);
  }

  @Override
  public NameResolver newNameResolver(URI target, NameResolver.Args args) {
    if (!SCHEME.equals(target.getScheme())) {
      return null;
    }
    List<InetSocketAddress> nodes = parse(target.getPath().substring(1));
    return new NameResolver() {
      @Override
      public String getServiceAuthority() {
        // What TLS checks the certificate against: the first node's name.
        return nodes.get(0).getHostString();
      }

      @Override
      public void start(Listener2 listener) {
        List<EquivalentAddressGroup> groups = new ArrayList<>();
        for (InetSocketAddress node : nodes) {
          groups.add(
              new EquivalentAddressGroup(
                  new InetSocketAddress(node.getHostString(), node.getPort())));
        }
        if (groups.isEmpty()) {
          listener.onError(Status.INVALID_ARGUMENT.withDescription("no Qdrant node named"));
          return;
        }
        listener.onResult(ResolutionResult.newBuilder().setAddresses(groups).build());
      }

      @Override
      public void shutdown() {
        // Nothing held.
      }
    };
  }
}
