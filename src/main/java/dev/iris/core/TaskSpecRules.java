package dev.iris.core;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rules of what a task runs: its command and setup command, environment variables, port names and
 * bundle hash. The controller checks them when a job is submitted ({@link JobSpec}) and the worker again
 * when a task arrives (RunTask), so both refuse the same things with the same messages. Each check returns
 * the value as an immutable copy, or throws a {@link ValidationException} naming the field and the value.
 */
public final class TaskSpecRules {
  /** The most characters all arguments of one command may have together. */
  public static final int MAX_ARGV_BYTES = 256 * 1024;
  public static final int MAX_PORTS = 64;
  /** The longest port name. */
  public static final int MAX_PORT_NAME_LENGTH = 32;
  public static final int MAX_ENV_VARS = 1024;

  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern PORT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");

  private TaskSpecRules() {}

  /** The task's command: a program name, then its arguments. */
  public static List<String> command(List<String> argv) {
    if (argv == null || argv.isEmpty()) {
      throw new ValidationException("command must not be empty");
    }
    return checkCommand("command", argv);
  }

  /** The optional command run before the task's own, in the same directory; empty when there is none. */
  public static List<String> setupCommand(List<String> argv) {
    if (argv == null || argv.isEmpty()) {
      return List.of();
    }
    return checkCommand("setup command", argv);
  }

  /** True when {@code name} can name an environment variable: letters, digits and {@code _}, no digit first. */
  public static boolean isEnvName(String name) {
    return name != null && ENV_NAME.matcher(name).matches();
  }

  /** Environment variables: at most {@value #MAX_ENV_VARS}, names as {@link #isEnvName} allows, no NUL in a value. */
  public static Map<String, String> env(Map<String, String> env) {
    if (env == null || env.isEmpty()) {
      return Map.of();
    }
    if (env.size() > MAX_ENV_VARS) {
      throw new ValidationException("at most " + MAX_ENV_VARS + " environment variables, got " + env.size());
    }
    Map<String, String> copy = new LinkedHashMap<>();
    env.forEach((k, v) -> {
      if (!isEnvName(k)) {
        throw new ValidationException("environment variable name " + Quoted.of(k) + " is not valid");
      }
      if (v == null || v.indexOf('\0') >= 0) {
        throw new ValidationException("environment variable " + k + " has an invalid value");
      }
      copy.put(k, v);
    });
    return Map.copyOf(copy);
  }

  /**
   * Names of the ports the task gets: at most {@value #MAX_PORTS}, each 1-32 letters, digits or {@code _}
   * starting with a letter, no two the same ignoring case (each becomes an {@code IRIS_PORT_<NAME>} variable).
   */
  public static List<String> ports(List<String> ports) {
    if (ports == null || ports.isEmpty()) {
      return List.of();
    }
    if (ports.size() > MAX_PORTS) {
      throw new ValidationException("at most " + MAX_PORTS + " ports, got " + ports.size());
    }
    Set<String> seen = new HashSet<>();
    for (String p : ports) {
      if (p == null || !PORT_NAME.matcher(p).matches()) {
        throw new ValidationException(
            "port name " + Quoted.of(p) + " must be 1-32 letters, digits or '_', starting with a letter");
      }
      if (!seen.add(p.toLowerCase(Locale.ROOT))) {
        throw new ValidationException("port " + Quoted.of(p) + " is requested twice");
      }
    }
    return List.copyOf(ports);
  }

  /** The SHA-256 of the task's bundle as {@link Sha256#hex} writes it, or empty when there is no bundle. */
  public static String bundleHash(String hash) {
    if (hash == null || hash.isEmpty()) {
      return "";
    }
    if (!Sha256.isHex(hash)) {
      throw new ValidationException("bundle hash must be 64 lowercase hex digits (sha-256), got " + Quoted.of(hash));
    }
    return hash;
  }

  private static List<String> checkCommand(String what, List<String> argv) {
    long bytes = 0;
    for (String arg : argv) {
      if (arg == null) {
        throw new ValidationException(what + " has a null argument");
      }
      if (arg.indexOf('\0') >= 0) {
        throw new ValidationException(what + " argument contains a NUL character");
      }
      bytes += arg.length();
    }
    if (argv.get(0).isBlank()) {
      throw new ValidationException(what + " must start with a program name");
    }
    if (bytes > MAX_ARGV_BYTES) {
      throw new ValidationException(what + " is " + bytes + " bytes long; at most " + MAX_ARGV_BYTES);
    }
    return List.copyOf(argv);
  }
}
