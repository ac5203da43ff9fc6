package dev.rag.retrieve;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.rag.testsupport.ServicePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service's layers: the core (the root package with its ports, {@code ranking/}, {@code
 * lexical/} and the values in {@code model/}) knows no edge, no framework of an edge (gRPC,
 * messaging, Micrometer, fault tolerance) and no generated type; the tenant reaches it as a value,
 * resolved at the door. The packages depend on each other without cycles: edges, then the root,
 * then {@code ranking/}, {@code lexical/} and {@code model/}; {@code config/} uses no root class.
 */
class LayersTest {

  private static final String BASE = "dev.rag.retrieve";

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = ServicePackages.mainClasses(BASE);
  }

  @Test
  void theCoreDependsOnNoEdge() {
    noClasses()
        .that()
        .resideInAnyPackage(BASE, BASE + ".ranking..", BASE + ".lexical..", BASE + ".model..")
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

  @Test
  void packagesDependOnEachOtherWithoutCycles() {
    slices()
        .assignedFrom(ServicePackages.eachPackageOf(BASE))
        .should()
        .beFreeOfCycles()
        .check(classes);
  }
}
