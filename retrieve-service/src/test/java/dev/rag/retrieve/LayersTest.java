package dev.rag.retrieve;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service's layers: the core (the root package and {@code ranking/}) knows no edge, no
 * framework of an edge (gRPC, messaging, Micrometer, fault tolerance) and no generated type; the
 * tenant reaches it as a value, resolved at the door.
 */
class LayersTest {

  private static final String BASE = "dev.rag.retrieve";

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(BASE);
  }

  @Test
  void theCoreDependsOnNoEdge() {
    noClasses()
        .that()
        .resideInAnyPackage(BASE, BASE + ".ranking..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            BASE + ".grpc..",
            BASE + ".kafka..",
            BASE + ".qdrant..",
            BASE + ".client..",
            BASE + ".mapping..",
            "io.qdrant..",
            "dev.rag.auth..",
            "dev.rag.proto..",
            "io.grpc..",
            "org.apache.kafka..",
            "io.smallrye.reactive.messaging..",
            "io.micrometer..",
            "org.eclipse.microprofile.faulttolerance..",
            "io.smallrye.faulttolerance..")
        .check(classes);
  }
}
