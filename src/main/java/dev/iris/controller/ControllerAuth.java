package dev.iris.controller;

import dev.iris.core.JobId;
import dev.iris.core.auth.Caller;
import dev.iris.core.auth.NotAuthenticated;
import dev.iris.core.auth.Role;
import dev.iris.core.auth.TokenBook;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;

/**
 * How a controller authenticates: the cluster's tokens ({@link TokenBook}), and the token its own calls to
 * workers bear (random per controller process, handed to each worker when it registers). Without tokens
 * ({@link #none}) every caller is trusted as an admin: for tests and for a controller on a sealed machine.
 */
public final class ControllerAuth {
  private static final String BEARER = "Bearer ";
  private final TokenBook tokens;
  private final String adminToken;
  private final String workerToken;

  private ControllerAuth(TokenBook tokens, String adminToken, String workerToken) {
    this.tokens = tokens;
    this.adminToken = adminToken;
    this.workerToken = workerToken;
  }

  /** A controller that checks every caller's token: {@code adminToken}, or one of {@code users}. */
  public static ControllerAuth of(String adminToken, List<TokenBook.Grant> users) {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new ControllerAuth(new TokenBook(adminToken, users), adminToken,
        Base64.getUrlEncoder().withoutPadding().encodeToString(key));
  }

  /** A controller that trusts every caller (no tokens). */
  public static ControllerAuth none() {
    return new ControllerAuth(null, null, "");
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

  /** What the controller's calls to workers bear ({@code authorization: Bearer ...}); empty without tokens. */
  public String workerToken() {
    return workerToken;
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
