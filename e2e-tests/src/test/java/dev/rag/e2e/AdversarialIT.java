package dev.rag.e2e;

import dev.rag.common.auth.ApiKeys;
import dev.rag.testsupport.FreePorts;
import dev.rag.testsupport.KafkaBroker;
import dev.rag.testsupport.QdrantServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The adversarial suite ({@code ./mvnw -Padversarial -pl e2e-tests -am verify}): every hostile
 * input of {@link HostileInputs} against the packaged services, one tenant attacking, another
 * carrying on. Its table is written to {@code e2e-tests/target/adversarial-report.md}. The fast
 * cases also run in the default build, in {@link EndToEndIT}.
 */
class AdversarialIT {

  private static final String MALLORY = ApiKeys.newKey();
  private static final String ALICE = ApiKeys.newKey();
  private static final String SERVICES = ApiKeys.newKey();

  private static Path root;
  private static KafkaBroker kafka;
  private static QdrantServer qdrant;
  private static final Map<String, ServiceProcess> services = new LinkedHashMap<>();

  @BeforeAll
  static void startSystem() {
    root = Path.of(System.getProperty("rag.root", "..")).toAbsolutePath().normalize();
    kafka = KafkaBroker.start(3);
    qdrant = QdrantServer.start();
    int embedPort = FreePorts.find();
    int retrievePort = FreePorts.find();
    services.putAll(
        RagSystem.start(
            root,
            RagSystem.config(
                kafka,
                qdrant,
                "adversarial",
                embedPort,
                retrievePort,
                List.of(
                    "mallory " + ApiKeys.digest(MALLORY) + " mallory ingest,query",
                    "alice " + ApiKeys.digest(ALICE) + " alice ingest,query",
                    "services " + ApiKeys.digest(SERVICES) + " default service,query"),
                SERVICES),
            embedPort,
            retrievePort));
  }

  @AfterAll
  static void stopSystem() {
    services.values().forEach(ServiceProcess::close);
    if (qdrant != null) {
      qdrant.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void noHostileInputStopsStarvesOrSinksThePlatform() throws Exception {
    HostileInputRunner runner =
        new HostileInputRunner(
            services.get("ingest"),
            new ArrayList<>(services.values()),
            kafka.bootstrapServers(),
            MALLORY,
            "mallory",
            ALICE);
    var results = runner.run(HostileInputs.all("mallory", "hostile"), "hostile");
    HostileInputRunner.write(root.resolve("e2e-tests/target/adversarial-report.md"), results);
  }
}
