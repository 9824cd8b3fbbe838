package dev.iris.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the layers apart: the domain, the scheduler, the controller's state model and the worker's attempt
 * lifecycle never touch Vert.x, protobuf or the clock, and the helpers in {@code common} depend on none of
 * the parts that use them.
 */
class ArchitectureTest {
  /** The pure core: the domain, the scheduler, the controller's state model and the worker's attempt lifecycle. */
  private static final String[] PURE = {"dev.iris.core..", "dev.iris.scheduler..", "dev.iris.controller.state..",
      "dev.iris.worker.attempt.."};
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.iris.core", "dev.iris.scheduler", "dev.iris.controller.state", "dev.iris.worker.attempt");
  }

  @Test
  void pureCoreDoesNotImportVertx() {
    noClasses().that().resideInAnyPackage(PURE)
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.netty..")
        .because("decisions are plain Java; verticles are thin shells around them")
        .check(classes);
  }

  @Test
  void pureCoreDoesNotDependOnTheWireFormat() {
    noClasses().that().resideInAnyPackage(PURE)
        .should().dependOnClassesThat().resideInAnyPackage("dev.iris.rpc..", "com.google.protobuf..")
        .because("protobuf stays at the edges; the API and links map it to domain records")
        .check(classes);
  }

  @Test
  void pureCoreDoesNotReadTheClock() {
    noClasses().that().resideInAnyPackage(PURE)
        .should().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(java.time.Instant.class, "now")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().dependOnClassesThat().areAssignableTo(java.time.Clock.class)
        .because("time is injected: decisions take 'now' as an argument")
        .check(classes);
  }

  /**
   * The pure core's text does not depend on the JVM's default locale: a journal replayed by a controller
   * started under another locale must rebuild the same messages ("killed: job killed", never "kılled").
   */
  @Test
  void pureCoreDoesNotDependOnTheDefaultLocale() {
    noClasses().that().resideInAnyPackage(PURE)
        .should().callMethod(String.class, "toLowerCase")
        .orShould().callMethod(String.class, "toUpperCase")
        .orShould().callMethod(String.class, "format", String.class, Object[].class)
        .orShould().callMethod(String.class, "formatted", Object[].class)
        .because("replaying the same commands must produce the same state, whatever the locale; pass Locale.ROOT")
        .check(classes);
  }

  /** The controller's state has one writer: only the state store's side of the controller touches it. */
  @Test
  void onlyTheStoreTouchesTheClusterState() {
    JavaClasses all = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.iris");
    noClasses().that().resideOutsideOfPackage("dev.iris.controller.state..")
        .and().doNotHaveFullyQualifiedName("dev.iris.controller.StateStoreVerticle")
        .and().doNotBelongToAnyOf(dev.iris.controller.StoreQuery.class)
        .and().haveNameNotMatching("dev\\.iris\\.controller\\."
            + "(JobListing|StateLookups|ControllerMetrics|StoreRecovery|StateStoreVerticle\\$).*")
        .should().dependOnClassesThat().haveFullyQualifiedName("dev.iris.controller.state.ClusterState")
        .because("one writer: everyone else sends the store a Mutation or a StoreQuery, which runs on its thread")
        .check(all);
  }

  @Test
  void commonDependsOnNoPartThatUsesIt() {
    JavaClasses common = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.iris.common");
    noClasses().that().resideInAPackage("dev.iris.common..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.iris.controller..", "dev.iris.worker..",
            "dev.iris.dashboard..", "dev.iris.cli..", "dev.iris.client..", "dev.iris.link..")
        .because("controller, worker, client, dashboard, cli and link all build on common, never the reverse")
        .check(common);
  }

  /** Every main class (top-level or nested, generated protobuf aside) has a simple name no other one has. */
  @Test
  void noTwoClassesShareASimpleName() {
    JavaClasses all = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.iris");
    java.util.Map<String, java.util.List<String>> byName = new java.util.TreeMap<>();
    all.stream().filter(c -> !c.getPackageName().startsWith("dev.iris.rpc") && !c.isAnonymousClass()
            && !c.getSimpleName().isEmpty() && !c.getSimpleName().equals("package-info"))
        .forEach(c -> byName.computeIfAbsent(c.getSimpleName(), n -> new java.util.ArrayList<>()).add(c.getName()));
    byName.values().removeIf(names -> names.size() < 2);
    org.assertj.core.api.Assertions.assertThat(byName)
        .as("a simple name names one class, so a reader (and an import) never has to ask which")
        .isEmpty();
  }

  /** The packages form no cycle: neither subpackage by subpackage, nor top-level part by part. */
  @Test
  void packagesAreFreeOfCycles() {
    JavaClasses all = mainClasses();
    com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices().matching("dev.iris.(**)")
        .should().beFreeOfCycles().because("a package is read and changed without the ones that use it")
        .check(all);
    com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices().matching("dev.iris.(*)..")
        .should().beFreeOfCycles().because("controller, worker, dashboard, web, link, common and core are layers")
        .check(all);
  }

  /** Who may use whom: the worker and the controller know nothing of each other or of what is built on them. */
  @Test
  void layersUseOnlyWhatIsBelowThem() {
    JavaClasses all = mainClasses();
    String[] above = {"dev.iris.node..", "dev.iris.cli..", "dev.iris.client.."};
    noClasses().that().resideInAPackage("dev.iris.worker..")
        .should().dependOnClassesThat().resideInAnyPackage(concat(above, "dev.iris.controller..", "dev.iris.dashboard.."))
        .because("a worker talks to the controller only through its link, and serves its own page")
        .check(all);
    noClasses().that().resideInAPackage("dev.iris.controller..")
        .should().dependOnClassesThat().resideInAnyPackage(concat(above, "dev.iris.worker..", "dev.iris.dashboard.."))
        .because("the controller serves its API; the dashboard is mounted next to it by the node")
        .check(all);
    noClasses().that().resideInAnyPackage("dev.iris.controller", "dev.iris.controller.state")
        .should().dependOnClassesThat().resideInAPackage("dev.iris.web..")
        .because("only the API layer speaks HTTP (health, metrics, authentication of routes)")
        .check(all);
    noClasses().that().resideInAPackage("dev.iris.dashboard..")
        .should().dependOnClassesThat().resideInAnyPackage(concat(above, "dev.iris.worker.."))
        .check(all);
    noClasses().that().resideInAnyPackage("dev.iris.web..", "dev.iris.link..")
        .should().dependOnClassesThat().resideInAnyPackage(concat(above, "dev.iris.worker..", "dev.iris.controller..",
            "dev.iris.dashboard.."))
        .because("shared plumbing knows nothing of its users")
        .check(all);
    noClasses().that().resideInAnyPackage("dev.iris.controller", "dev.iris.controller.state")
        .should().dependOnClassesThat().resideInAPackage("dev.iris.controller.api..")
        .because("the gRPC layer sits on the controller's verticles, not under them")
        .check(all);
  }

  private static JavaClasses mainClasses() {
    return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.iris");
  }

  private static String[] concat(String[] a, String... b) {
    return java.util.stream.Stream.concat(java.util.Arrays.stream(a), java.util.Arrays.stream(b))
        .toArray(String[]::new);
  }
}
