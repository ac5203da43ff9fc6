package dev.rag.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class QdrantServerTest {

  @Test
  void servesThePinnedVersion() throws Exception {
    QdrantServer qdrant = QdrantServer.shared();
    HttpResponse<String> root =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(qdrant.httpUrl() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(root.statusCode()).isEqualTo(200);
    assertThat(root.body()).contains("\"version\":\"" + QdrantServer.VERSION + "\"");
  }

  @Test
  void theCachedBinaryHasThePinnedHash() {
    assertThat(QdrantServer.sha256(QdrantServer.binary())).isEqualTo(QdrantServer.SHA256);
  }
}
