package dev.iris.scheduler;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.ArchConfiguration;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The scheduler is pure: no Vert.x, no clock, no randomness, no threads. */
class SchedulerPurityTest {
  private static final JavaClasses SCHEDULER = importScheduler();

  /** Only the package's own classes: the rules look at names of what they use, nothing to resolve. */
  private static JavaClasses importScheduler() {
    ArchConfiguration config = ArchConfiguration.get();
    boolean resolve = config.resolveMissingDependenciesFromClassPath();
    config.setResolveMissingDependenciesFromClassPath(false);
    try {
      return new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.iris.scheduler");
    } finally {
      config.setResolveMissingDependenciesFromClassPath(resolve);
    }
  }

  @Test
  void doesNotDependOnVertxOrTheRpcLayer() {
    noClasses().should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.grpc..", "dev.iris.rpc..")
        .check(SCHEDULER);
  }

  @Test
  void readsNoClockAndDrawsNoRandomNumbers() {
    noClasses().should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().dependOnClassesThat().resideInAnyPackage("java.time..")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
        .check(SCHEDULER);
  }
}
