package dev.rag.ingest;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service's layers: the core (the root package and {@code parse/}) knows no edge, and no two
 * packages of the service import each other, directly or round about.
 */
class LayersTest {

  private static final String BASE = "dev.rag.ingest";

  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            // ingest-core's test jar (shared test files) is on the class path too.
            .withImportOption(location -> !location.contains("-tests.jar"))
            .importPackages(BASE);
  }

  /** Each package of the service (the root package included) is a slice of its own. */
  private static final SliceAssignment PACKAGES =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
          String pkg = javaClass.getPackageName();
          return pkg.equals(BASE) || pkg.startsWith(BASE + ".")
              ? SliceIdentifier.of(pkg)
              : SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "the packages of " + BASE;
        }
      };

  @Test
  void noPackageCycles() {
    slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(classes);
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
            "org.apache.kafka..",
            "io.smallrye.reactive.messaging..",
            "io.grpc..")
        .check(classes);
  }
}
