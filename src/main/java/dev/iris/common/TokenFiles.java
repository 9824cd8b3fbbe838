package dev.iris.common;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where tokens live on disk: the cluster's admin token file (created with a random 256-bit token, mode
 * 0600, when absent), and the client's lookup: {@code --token-file}, else {@code $IRIS_TOKEN}, else
 * {@code ~/.iris/token}. Nothing here ever logs or prints a token; errors name the file only.
 */
public final class TokenFiles {
  /** The variable a client (and a task) reads its token from. */
  public static final String ENV_VAR = "IRIS_TOKEN";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private TokenFiles() {}

  /** {@code ~/.iris/token}, {@code ~} being {@code $HOME} of {@code env}; empty when it names no home. */
  public static Optional<Path> defaultPath(Map<String, String> env) {
    String home = env.get("HOME");
    return home == null || home.isBlank() ? Optional.empty() : Optional.of(Path.of(home, ".iris", "token"));
  }

  /**
   * The token in {@code file}, creating the file first with a new random token (mode 0600, its directory
   * 0700 when created) when it does not exist. Returns whether it was created, for the log line.
   */
  public static Loaded loadOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      Path dir = file.toAbsolutePath().getParent();
      if (dir != null && !Files.isDirectory(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      String token = "iris-" + Base64.getUrlEncoder().withoutPadding().encodeToString(key);
      try {
        Files.writeString(Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY)), token + "\n",
            StandardCharsets.UTF_8);
        return new Loaded(token, true);
      } catch (FileAlreadyExistsException e) {
        // made by another process meanwhile: read theirs
      }
    }
    return new Loaded(read(file), false);
  }

  /** A token read from a file, and whether this process made the file. */
  public record Loaded(String token, boolean created) {}

  /** The token in {@code file}: its first line, trimmed; an empty or unreadable file is an error naming it. */
  public static String read(Path file) throws IOException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IOException("token file " + file + " is not text");
    }
    String token = text.lines().findFirst().orElse("").strip();
    if (token.isEmpty()) {
      throw new IOException("token file " + file + " is empty");
    }
    return token;
  }

  /** Whether others than the owner may read {@code file} (a token file should be 0600). */
  public static boolean readableByOthers(Path file) {
    try {
      Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
      return p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ);
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  /**
   * A client's token: {@code file} when given (it must exist), else {@code $IRIS_TOKEN}, else
   * {@code ~/.iris/token} when it exists; empty when there is none (calls then carry no credential).
   */
  public static String forClient(Optional<Path> file, Map<String, String> env) throws IOException {
    if (file.isPresent()) {
      return read(file.get());
    }
    String fromEnv = env.get(ENV_VAR);
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv.strip();
    }
    Optional<Path> home = defaultPath(env);
    return home.isPresent() && Files.isReadable(home.get()) ? read(home.get()) : "";
  }
}
