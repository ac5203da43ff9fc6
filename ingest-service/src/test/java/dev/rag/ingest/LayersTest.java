package dev.rag.ingest;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.rag.testsupport.ServicePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service's layers: the core (the root package and {@code parse/}) knows no edge and no
 * generated type, and no two packages of the service import each other, directly or round about.
 */
class LayersTest {

  private static final String BASE = "dev.rag.ingest";

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    // ingest-core's test jar (shared test files) is on the class path too; it is left out.
    classes = ServicePackages.mainClasses(BASE);
  }

  @Test
  void noPackageCycles() {
    slices()
        .assignedFrom(ServicePackages.eachPackageOf(BASE))
        .should()
        .beFreeOfCycles()
        .check(classes);
  }

  @Test
  void theCoreDependsOnNoEdge() {
    noClasses()
        .that()
        .resideInAnyPackage(BASE, BASE + ".parse..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            BASE + ".kafka..",
            BASE + ".rest..",
            BASE + ".grpc..",
            BASE + ".status..",
            BASE + ".client..",
            BASE + ".mapping..",
            // The tenant is resolved at the edge; the core is handed it.
            "dev.rag.auth..",
            // Generated types (the topics' records, the gRPC messages) are mapped at the edge.
            "dev.rag.proto..",
            "org.apache.kafka..",
            "io.smallrye.reactive.messaging..",
            "io.grpc..")
        .check(classes);
  }
}
