package dev.rag.generate;

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
 * The service's layers: the core (the root package) knows no edge, no framework of an edge (gRPC,
 * messaging, Micrometer, fault tolerance) and no generated type; the tenant reaches it as a value,
 * resolved at the door. The packages depend on each other without cycles: the edges on the root,
 * the root on {@code llm/} ({@code AnswerModel}, which hides the fault tolerance, and its message
 * and stream types) and on {@code config/}, and neither of those on the root.
 */
class LayersTest {

  private static final String BASE = "dev.rag.generate";

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
        .resideInAnyPackage(BASE)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            BASE + ".rest..",
            BASE + ".grpc..",
            BASE + ".client..",
            BASE + ".mapping..",
            BASE + ".metrics..",
            "jakarta.ws.rs..",
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
    slices().assignedFrom(PACKAGES).should().beFreeOfCycles().check(classes);
  }

  /**
   * The root package (the core) as one slice and each package directly under it (with its own
   * sub-packages) as another. {@code slices().matching(BASE + ".(*)..")} alone would not do: its
   * pattern needs a package below the base, so the root's classes would be in no slice and a cycle
   * through the root (root to {@code llm/} and back, say) would go unseen.
   */
  private static final SliceAssignment PACKAGES =
      new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
          String pkg = javaClass.getPackageName();
          if (pkg.equals(BASE)) {
            return SliceIdentifier.of("core (" + BASE + ")");
          }
          if (pkg.startsWith(BASE + ".")) {
            return SliceIdentifier.of(
                BASE + "." + pkg.substring(BASE.length() + 1).split("\\.")[0]);
          }
          return SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
          return "the root package and each package under it";
        }
      };
}
