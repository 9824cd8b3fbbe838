package dev.iris.common;

import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The TLS settings of one node or client, as PEM files: what it serves with, and whom it trusts when it
 * calls. A node serves gRPC, HTTPS and WSS on its one port when it has a certificate and key; it calls its
 * peers (the controller, the workers, the other members of a clustered event bus) over TLS when it has a
 * CA to verify them with, and in plaintext otherwise. Check the files with {@link PemFiles} before use: Vert.x
 * reads them only when a server starts or a first connection is made.
 *
 * @param cert this node's certificate (PEM; the chain after it, if any); empty to serve plaintext
 * @param key the unencrypted private key of {@code cert} (PEM); present exactly when {@code cert} is
 * @param ca the certificate(s) of the CA that signed the peers this node calls (PEM); empty to call them in
 *     plaintext
 */
public record Tls(Optional<Path> cert, Optional<Path> key, Optional<Path> ca) {
  /** Plaintext: serves and calls without TLS. */
  public static final Tls NONE = new Tls(Optional.empty(), Optional.empty(), Optional.empty());

  public Tls {
    Objects.requireNonNull(cert, "cert");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(ca, "ca");
    if (cert.isPresent() != key.isPresent()) {
      throw new IllegalArgumentException("a TLS certificate needs its key, and a key its certificate");
    }
  }

  /** Serves TLS with {@code cert} and {@code key}; calls peers in plaintext. */
  public static Tls serving(Path cert, Path key) {
    return new Tls(Optional.of(cert), Optional.of(key), Optional.empty());
  }

  /** Serves plaintext; calls peers over TLS, verified against {@code ca}. */
  public static Tls trusting(Path ca) {
    return new Tls(Optional.empty(), Optional.empty(), Optional.of(ca));
  }

  /** The same serving side, calling peers over TLS verified against {@code ca} (empty: in plaintext). */
  public Tls withCa(Optional<Path> ca) {
    return new Tls(cert, key, ca);
  }

  /** The same trust, serving plaintext: what a client of this node's peers needs. */
  public Tls clientSide() {
    return new Tls(Optional.empty(), Optional.empty(), ca);
  }

  /** Whether the node's port serves TLS (it has a certificate and key). */
  public boolean serves() {
    return cert.isPresent();
  }

  /** Whether calls to peers go over TLS (a CA to verify them is given). */
  public boolean callsOverTls() {
    return ca.isPresent();
  }

  /**
   * {@code options} set to serve TLS when {@link #serves()}: the certificate and key, and ALPN, so gRPC (h2),
   * the dashboard (HTTP/1.1 or h2) and its WebSocket feed share the one port. Unchanged otherwise.
   */
  public HttpServerOptions applyTo(HttpServerOptions options) {
    if (!serves()) {
      return options;
    }
    return options.setSsl(true).setUseAlpn(true).setKeyCertOptions(keyCert());
  }

  /**
   * The HTTP options of a gRPC client: HTTP/2 (prior knowledge in plaintext); over TLS when
   * {@link #callsOverTls()}, with ALPN, the CA as the only trust anchor and the server's name checked against
   * its certificate.
   */
  public HttpClientOptions grpcClientOptions() {
    HttpClientOptions options = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false);
    if (!callsOverTls()) {
      return options;
    }
    return options.setSsl(true).setUseAlpn(true).setTrustOptions(trust()).setVerifyHost(true);
  }

  /**
   * {@code options} set so the clustered event bus runs over mutual TLS when {@link #serves()}: each member
   * presents its certificate and accepts only members whose certificate the CA signed. A member without a
   * CA-signed certificate cannot exchange messages, even when it joined the Hazelcast cluster. Needs
   * {@link #ca()} whenever it serves.
   */
  public EventBusOptions applyTo(EventBusOptions options) {
    if (!serves()) {
      return options;
    }
    if (!callsOverTls()) {
      throw new IllegalArgumentException("a TLS event bus needs a CA to verify the other members with");
    }
    options.setSsl(true).setKeyCertOptions(keyCert()).setTrustOptions(trust())
        .setTrustAll(false) // the event bus trusts every certificate unless told otherwise
        .setClientAuth(ClientAuth.REQUIRED);
    return options;
  }

  private PemKeyCertOptions keyCert() {
    return new PemKeyCertOptions().setCertPath(cert.orElseThrow().toString()).setKeyPath(key.orElseThrow().toString());
  }

  private PemTrustOptions trust() {
    return new PemTrustOptions().addCertPath(ca.orElseThrow().toString());
  }
}
