package dev.iris.worker.runtime;

/** Every {@link ProcessTaskRuntimeTest} again, with processes started by {@link ProcessBuilder} and setsid. */
class JdkSpawnRuntimeTest extends ProcessTaskRuntimeTest {
  @Override
  boolean posixSpawn() {
    return false;
  }
}
