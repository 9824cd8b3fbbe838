package dev.iris.client;

import dev.iris.common.PemFiles;
import dev.iris.common.Tls;
import dev.iris.common.TokenFiles;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link IrisClient#remote(String, RemoteOptions)} reaches a controller: in plaintext, or over TLS with the
 * controller's certificate verified against a CA certificate (PEM) and its name checked against the address.
 *
 * <pre>{@code
 * IrisClient.remote("ctrl.example:10000", RemoteOptions.plaintext().withTlsCa(Path.of("ca.pem")))
 * }</pre>
 */
public final class RemoteOptions {
  /** The environment variable naming the CA certificate clients verify the controller with. */
  public static final String TLS_CA_ENV = "IRIS_TLS_CA";

  private final Optional<Path> tlsCa;
  /** Where the CA was named (a flag, the environment), for error messages. */
  private final String tlsCaSource;
  private final String token;

  private RemoteOptions(Optional<Path> tlsCa, String tlsCaSource, String token) {
    this.tlsCa = tlsCa;
    this.tlsCaSource = tlsCaSource;
    this.token = token;
  }

  /** Plaintext gRPC without a token, whatever the environment says. */
  public static RemoteOptions plaintext() {
    return new RemoteOptions(Optional.empty(), "", "");
  }

  /**
   * As the environment says: TLS verified against the CA that {@value #TLS_CA_ENV} names, when it names one
   * (plaintext otherwise), and the token of {@code $IRIS_TOKEN}, else of {@code ~/.iris/token} when it exists.
   */
  public static RemoteOptions fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  static RemoteOptions fromEnvironment(Map<String, String> env) {
    String ca = env.get(TLS_CA_ENV);
    String token;
    try {
      token = TokenFiles.forClient(Optional.empty(), env);
    } catch (java.io.IOException e) {
      throw new IrisException("UNAUTHENTICATED", "cannot read a token: " + e.getMessage());
    }
    return ca == null || ca.isBlank() ? new RemoteOptions(Optional.empty(), "", token)
        : new RemoteOptions(Optional.of(Path.of(ca)), TLS_CA_ENV, token);
  }

  /** TLS, the controller's certificate verified against the CA certificate(s) in {@code ca} (PEM). */
  public RemoteOptions withTlsCa(Path ca) {
    return new RemoteOptions(Optional.of(Objects.requireNonNull(ca, "ca")), "TLS CA", token);
  }

  /** Calls bearing {@code token} ({@code authorization: Bearer}); empty for none. */
  public RemoteOptions withToken(String token) {
    return new RemoteOptions(tlsCa, tlsCaSource, token == null ? "" : token);
  }

  /** The token calls bear; empty for none. */
  public String token() {
    return token;
  }

  /** The CA certificate the controller is verified with; empty for plaintext. */
  public Optional<Path> tlsCa() {
    return tlsCa;
  }

  /** The client side of {@link Tls}, its CA file checked first: one line naming it when it is missing or not PEM. */
  Tls tls() {
    if (tlsCa.isEmpty()) {
      return Tls.NONE;
    }
    try {
      PemFiles.certificates(tlsCa.get());
    } catch (IllegalArgumentException e) {
      throw new IrisException("INVALID_ARGUMENT", tlsCaSource + " " + e.getMessage());
    }
    return Tls.trusting(tlsCa.get());
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RemoteOptions r && r.tlsCa.equals(tlsCa) && r.token.equals(token);
  }

  @Override
  public int hashCode() {
    return tlsCa.hashCode() * 31 + token.hashCode();
  }

  /** How the controller is reached, never the token itself. */
  @Override
  public String toString() {
    return tlsCa.map(ca -> "TLS, CA " + ca).orElse("plaintext") + (token.isEmpty() ? "" : ", with a token");
  }
}
