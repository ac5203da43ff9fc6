package dev.rag.testsupport;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

/** A service's packages, for the ArchUnit rules of its {@code LayersTest}. */
public final class ServicePackages {

  private ServicePackages() {}

  /** The classes under {@code base}, without tests (nor test jars on the class path). */
  public static JavaClasses mainClasses(String base) {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .withImportOption(location -> !location.contains("-tests.jar"))
        .importPackages(base);
  }

  /**
   * Each package under {@code base} as a slice, the root included. {@code slices().matching(base +
   * ".(*)..")} would not do: its pattern needs a package below the base, so the root's classes
   * would be in no slice and a cycle through the root (the core to one of its sub-packages and
   * back) would go unseen.
   */
  public static SliceAssignment eachPackageOf(String base) {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass type) {
        String pkg = type.getPackageName();
        return pkg.equals(base) || pkg.startsWith(base + ".")
            ? SliceIdentifier.of(pkg)
            : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "each package of " + base + ", the root included";
      }
    };
  }
}
