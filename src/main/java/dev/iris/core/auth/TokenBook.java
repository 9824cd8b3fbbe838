package dev.iris.core.auth;

import dev.iris.core.JobId;
import dev.iris.core.ValidationException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Turns a bearer token into a {@link Caller}: the cluster's admin token, the tokens of a users file, and the
 * task tokens derived from the admin token ({@link #taskToken}). Tokens are kept only as SHA-256 digests
 * and compared in constant time: every known digest is compared, whatever matched first, so how long a
 * check takes says nothing about how close a guess was.
 *
 * <p>A task token is {@code iris-task.<job>.<owner>.<mac>}, the MAC an HMAC-SHA256 keyed with the admin
 * token: it needs no storage, survives a controller restart, and is worthless without the admin token.
 */
public final class TokenBook {
  /** The shortest token a users file may hold. */
  public static final int MIN_TOKEN_CHARS = 16;
  private static final String TASK_PREFIX = "iris-task.";
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getUrlDecoder();

  /** One token of a users file. */
  public record Grant(String token, Caller caller) {
    public Grant {
      if (token == null || token.length() < MIN_TOKEN_CHARS || !printable(token)) {
        throw new ValidationException("a token is at least " + MIN_TOKEN_CHARS + " printable characters without spaces");
      }
      if (caller.role() == Role.TASK) {
        throw new IllegalArgumentException("task tokens are derived, never listed");
      }
    }
  }

  private record Known(byte[] digest, Caller caller) {}

  private final List<Known> known = new ArrayList<>();
  private final byte[] taskKey;

  /**
   * @param adminToken the cluster's admin token (its holder is {@link Caller#admin()})
   * @param users more tokens (a users file); a token listed twice, or equal to the admin token, is refused
   */
  public TokenBook(String adminToken, List<Grant> users) {
    new Grant(adminToken, Caller.admin()); // the same rules
    this.taskKey = adminToken.getBytes(StandardCharsets.UTF_8);
    known.add(new Known(digest(adminToken), Caller.admin()));
    for (Grant e : users) {
      byte[] d = digest(e.token());
      for (Known k : known) {
        if (MessageDigest.isEqual(k.digest(), d)) {
          throw new ValidationException("the token of " + e.caller().describe() + " is listed twice (or is the admin token)");
        }
      }
      known.add(new Known(d, e.caller()));
    }
  }

  /** The caller holding {@code token}, or empty when it is no token of this cluster. */
  public Optional<Caller> authenticate(String token) {
    if (token == null || token.isEmpty()) {
      return Optional.empty();
    }
    if (token.startsWith(TASK_PREFIX)) {
      return taskCaller(token);
    }
    byte[] d = digest(token);
    Caller found = null;
    for (Known k : known) { // no early exit: every digest is compared
      if (MessageDigest.isEqual(k.digest(), d) && found == null) {
        found = k.caller();
      }
    }
    return Optional.ofNullable(found);
  }

  /** The token a task of {@code job} (owned by {@code owner}) gets as {@code IRIS_TOKEN}. */
  public String taskToken(JobId job, String owner) {
    String body = B64.encodeToString(job.value().getBytes(StandardCharsets.UTF_8)) + "."
        + B64.encodeToString(owner.getBytes(StandardCharsets.UTF_8));
    return TASK_PREFIX + body + "." + B64.encodeToString(mac(body));
  }

  private Optional<Caller> taskCaller(String token) {
    String rest = token.substring(TASK_PREFIX.length());
    int dot = rest.lastIndexOf('.');
    if (dot < 0 || rest.length() > 2048) {
      return Optional.empty();
    }
    String body = rest.substring(0, dot);
    try {
      if (!MessageDigest.isEqual(mac(body), B64D.decode(rest.substring(dot + 1)))) {
        return Optional.empty();
      }
      int sep = body.indexOf('.');
      JobId job = JobId.of(new String(B64D.decode(body.substring(0, sep)), StandardCharsets.UTF_8));
      String owner = new String(B64D.decode(body.substring(sep + 1)), StandardCharsets.UTF_8);
      return Optional.of(Caller.task(job, owner));
    } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
      return Optional.empty();
    }
  }

  private byte[] mac(String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(taskKey, "HmacSHA256"));
      mac.update("iris task token v1\n".getBytes(StandardCharsets.UTF_8));
      return mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** One SHA-256 per thread: looking the implementation up was a third of a check's time (BENCHMARKS.md, 9). */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  });

  private static byte[] digest(String token) {
    return SHA256.get().digest(token.getBytes(StandardCharsets.UTF_8)); // digest() resets it for the next use
  }

  private static boolean printable(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= ' ' || c >= 0x7f) {
        return false;
      }
    }
    return true;
  }
}
