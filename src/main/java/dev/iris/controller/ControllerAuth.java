package dev.iris.controller;

import dev.iris.core.JobId;
import dev.iris.core.auth.Caller;
import dev.iris.core.auth.NotAuthenticated;
import dev.iris.core.auth.Role;
import dev.iris.core.auth.TokenBook;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a controller authenticates: the cluster's tokens ({@link TokenBook}), and the tokens its own calls to
 * workers bear (one per worker, keyed by a random key of the controller process, handed to each worker when it
 * registers). The key is derived from the admin token, so a controller restarted with the same token file
 * (a durable controller, see {@code StateStoreVerticle}) bears the same tokens and its workers, which keep
 * their tasks running through the restart, accept its calls without registering again. Without tokens
 * ({@link #none}) every caller is trusted as an admin: for tests and for a controller on a sealed machine.
 */
public final class ControllerAuth {
  private static final String BEARER = "Bearer ";
  private final TokenBook tokens;
  private final String adminToken;
  /** Keys the tokens of the controller's calls to workers (derived from the admin token); null without tokens. */
  private final byte[] linkKey;

  private ControllerAuth(TokenBook tokens, String adminToken, byte[] linkKey) {
    this.tokens = tokens;
    this.adminToken = adminToken;
    this.linkKey = linkKey;
  }

  /** A controller that checks every caller's token: {@code adminToken}, or one of {@code users}. */
  public static ControllerAuth of(String adminToken, List<TokenBook.Grant> users) {
    return new ControllerAuth(new TokenBook(adminToken, users), adminToken,
        hmac(adminToken.getBytes(StandardCharsets.UTF_8), "iris worker link key v1"));
  }

  /** A controller that trusts every caller (no tokens). */
  public static ControllerAuth none() {
    return new ControllerAuth(null, null, null);
  }

  /** The cluster's admin token; null without authentication. */
  public String adminToken() {
    return adminToken;
  }

  public boolean enabled() {
    return tokens != null;
  }

  /** The tokens, or null when {@link #enabled()} is false. */
  public TokenBook tokens() {
    return tokens;
  }

  /**
   * What the controller's calls to worker {@code workerId} at {@code address} bear ({@code authorization:
   * Bearer ...}), handed to that worker when it registers: an HMAC of both, so that what one worker is
   * handed opens no other worker, nor another worker id registered at its address. Empty without tokens.
   */
  public String workerToken(String workerId, String address) {
    if (linkKey == null) {
      return "";
    }
    byte[] token = hmac(linkKey, "iris worker link v1\n" + workerId + "\n" + address);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(token);
  }

  private static byte[] hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  /** The IRIS_TOKEN of the tasks of {@code job}, owned by {@code owner}; empty without tokens. */
  public String taskToken(JobId job, String owner) {
    return tokens == null ? "" : tokens.taskToken(job, owner);
  }

  /**
   * Who calls, from the value of an {@code authorization} header (null when absent). Without tokens, anyone
   * is an admin (named {@code anonymous}).
   *
   * @throws NotAuthenticated without a credential, or with one that is not valid here
   */
  public Caller authenticate(String authorization) {
    if (tokens == null) {
      return Caller.of("anonymous", Role.ADMIN);
    }
    if (authorization == null || authorization.isEmpty()) {
      throw new NotAuthenticated("no credential: send 'authorization: Bearer <token>' (the iris CLI reads "
          + "--token-file, else $IRIS_TOKEN, else ~/.iris/token)");
    }
    if (!authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new NotAuthenticated("the authorization header must be 'Bearer <token>'");
    }
    return tokens.authenticate(authorization.substring(BEARER.length()).trim())
        .orElseThrow(() -> new NotAuthenticated("invalid token: it is not a token of this cluster"));
  }
}
