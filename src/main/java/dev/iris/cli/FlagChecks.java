package dev.iris.cli;

import dev.iris.cli.parse.ConstraintExpr;
import dev.iris.cli.parse.KeyValue;
import dev.iris.common.PemFiles;
import dev.iris.core.LogRegex;
import dev.iris.core.TaskSpecRules;
import dev.iris.core.ValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Checks on values that parsed but may still be wrong (ranges, names, duplicates, directories). Each
 * check returns the value when it holds and otherwise throws a usage error naming the flag and value.
 */
final class FlagChecks {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private final CommandSpec spec;

  FlagChecks(CommandSpec spec) {
    this.spec = spec;
  }

  /** A usage error of this command (exit code 2, one line, then a help hint). */
  ParameterException usageError(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  int inRange(String flag, int value, int min, int max) {
    if (value < min || value > max) {
      throw usageError(flag + " must be " + min + ".." + max + ", got " + value);
    }
    return value;
  }

  long inRange(String flag, long value, long min, long max) {
    if (value < min || value > max) {
      throw usageError(flag + " must be " + dev.iris.core.Sizes.human(min) + ".." + dev.iris.core.Sizes.human(max)
          + ", got " + dev.iris.core.Sizes.human(value));
    }
    return value;
  }

  int atLeast(String flag, int value, int min) {
    if (value < min) {
      throw usageError(flag + " must be at least " + min + ", got " + value);
    }
    return value;
  }

  long positive(String flag, long value) {
    if (value <= 0) {
      throw usageError(flag + " must be more than 0, got " + value);
    }
    return value;
  }

  /** A port to listen on: 1..65535, or 0 for any free port. */
  int listenPort(String flag, int port) {
    return inRange(flag, port, 0, 65535);
  }

  String host(String flag, String host) {
    if (host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
      throw usageError(flag + " '" + host + "' is not a host name or address");
    }
    return host;
  }

  /** An identifier: letters, digits, {@code . _ -}, not starting with punctuation. */
  String identifier(String flag, String value) {
    if (!ID.matcher(value).matches()) {
      throw usageError(flag + " '" + value + "' must be letters, digits, '.', '_' or '-'");
    }
    return value;
  }

  /** A job id as typed on the command line: non-empty, no whitespace. */
  String jobId(String jobId) {
    if (jobId.isBlank() || jobId.chars().anyMatch(Character::isWhitespace)) {
      throw usageError("JOB '" + jobId + "' is not a job id");
    }
    return jobId;
  }

  String attributeKey(String flag, String key) {
    if (!ConstraintExpr.isValidKey(key)) {
      throw usageError(flag + " '" + key + "' is not an attribute key (letters, digits, _ . - /)");
    }
    return key;
  }

  /** Distinct names usable in an environment variable name ({@code IRIS_PORT_<NAME>}). */
  List<String> envNames(String flag, List<String> names) {
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (!TaskSpecRules.isEnvName(name)) {
        throw usageError(flag + " '" + name + "' must be letters, digits and '_', not starting with a digit");
      }
      if (!seen.add(name)) {
        throw usageError(flag + " " + name + " is given twice");
      }
    }
    return names;
  }

  /** {@code KEY=VALUE} pairs as a map in the order given; a key given twice is an error. */
  Map<String, String> distinctPairs(String flag, List<KeyValue> pairs) {
    Map<String, String> map = new LinkedHashMap<>();
    for (KeyValue pair : pairs) {
      if (map.putIfAbsent(pair.key(), pair.value()) != null) {
        throw usageError(flag + " " + pair.key() + " is given twice");
      }
    }
    return map;
  }

  /** Environment variables: distinct keys that are valid variable names. */
  Map<String, String> envVars(String flag, List<KeyValue> pairs) {
    for (KeyValue pair : pairs) {
      if (!TaskSpecRules.isEnvName(pair.key())) {
        throw usageError(flag + " '" + pair + "': '" + pair.key() + "' is not a variable name"
            + " (letters, digits and '_', not starting with a digit)");
      }
    }
    return distinctPairs(flag, pairs);
  }

  /** A timeout the contract stores in whole seconds: 1 s .. about 68 years. */
  Duration wholeSeconds(String flag, Duration duration, String shown) {
    if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
      throw usageError(flag + " must be at least 1s, got " + shown);
    }
    if (duration.getSeconds() > Integer.MAX_VALUE) {
      throw usageError(flag + " " + shown + " is too long");
    }
    return duration;
  }

  Path existingDirectory(String flag, Path dir) {
    if (!Files.isDirectory(dir)) {
      throw usageError(flag + " " + dir + ": no such directory");
    }
    return dir;
  }

  /** A directory that may not exist yet but is not a file. */
  Path directoryOrAbsent(String flag, Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw usageError(flag + " " + dir + " is a file, not a directory");
    }
    return dir;
  }

  String nonBlank(String flag, String value) {
    if (value.isBlank()) {
      throw usageError(flag + " must not be empty");
    }
    return value;
  }

  /** A readable PEM file of X.509 certificates ({@code --tls-cert}, {@code --tls-ca}). */
  Path pemCertificates(String flag, Path file) {
    try {
      PemFiles.certificates(file);
      return file;
    } catch (IllegalArgumentException e) {
      throw usageError(flag + " " + e.getMessage());
    }
  }

  /** A readable PEM file of an unencrypted private key that belongs to the certificate in {@code certFile}. */
  Path pemKey(String flag, Path file, Path certFile) {
    try {
      PemFiles.privateKey(file, PemFiles.certificates(certFile).get(0), certFile);
      return file;
    } catch (IllegalArgumentException e) {
      throw usageError(flag + " " + e.getMessage());
    }
  }

  /** A log filter's regular expression, by the rule the worker applies ({@link LogRegex}). */
  com.google.re2j.Pattern regex(String flag, String regex) {
    try {
      return LogRegex.compile(regex);
    } catch (ValidationException e) {
      throw usageError(flag + ": " + e.getMessage());
    }
  }
}
