package dev.rag.embed;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.rag.testsupport.ServicePackages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service's layers: the core (the root package) knows no edge, no framework of an edge (gRPC,
 * messaging, Micrometer, fault tolerance) and no generated type; the tenant reaches it as a value,
 * resolved at the door. No two packages import each other, directly or round about.
 */
class LayersTest {

  private static final String BASE = "dev.rag.embed";

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = ServicePackages.mainClasses(BASE);
  }

  @Test
  void theCoreDependsOnNoEdge() {
    noClasses()
        .that()
        .resideInAnyPackage(BASE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            BASE + ".grpc..",
            BASE + ".kafka..",
            BASE + ".mapping..",
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
  void noPackageCycles() {
    slices()
        .assignedFrom(ServicePackages.eachPackageOf(BASE))
        .should()
        .beFreeOfCycles()
        .check(classes);
  }
}
