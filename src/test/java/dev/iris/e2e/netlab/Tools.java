package dev.iris.e2e.netlab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where the system tools a lab drives live (root's PATH is not always the test's). */
final class Tools {
  static final String IP = find("ip");
  static final String BRIDGE = find("bridge");
  static final String NSENTER = find("nsenter");
  static final String KILL = find("kill");
  static final String BASH = find("bash");
  static final String TIMEOUT = find("timeout");

  private Tools() {}

  private static String find(String tool) {
    for (String dir : List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin")) {
      Path p = Path.of(dir, tool);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    return "/usr/sbin/" + tool; // reported missing by NetLab.unavailableBecause
  }
}
