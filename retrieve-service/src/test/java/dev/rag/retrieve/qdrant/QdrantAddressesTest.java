package dev.rag.retrieve.qdrant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class QdrantAddressesTest {

  @Test
  void readsEveryNodeOfTheList() {
    assertThat(QdrantAddresses.parse("127.0.0.1:6334, qdrant-1.q.svc:6344"))
        .extracting(InetSocketAddress::getHostString, InetSocketAddress::getPort)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("127.0.0.1", 6334),
            org.assertj.core.groups.Tuple.tuple("qdrant-1.q.svc", 6344));
    assertThat(QdrantAddresses.target(List.of("a:1", "b:2"))).isEqualTo("qdrant-nodes:///a:1,b:2");
  }

  @Test
  void refusesANodeWithoutItsPort() {
    assertThatThrownBy(() -> QdrantAddresses.parse("127.0.0.1:6334,qdrant-2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retrieve.qdrant.hosts")
        .hasMessageContaining("qdrant-2");
    assertThatThrownBy(() -> QdrantAddresses.parse("qdrant-2:grpc"))
        .hasMessageContaining("bad port");
  }
}
