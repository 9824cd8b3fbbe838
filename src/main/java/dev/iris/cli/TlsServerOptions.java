package dev.iris.cli;

import dev.iris.common.Tls;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --tls-cert FILE --tls-key FILE}: serve gRPC, HTTPS and WSS on the node's one port with this certificate
 * and key (PEM). {@code iris local} has these; {@code iris controller} and {@code iris worker} also have
 * {@code --tls-ca} ({@link WithPeerCa}), the CA their peers' certificates are verified with. The files are
 * checked when the command starts: a missing, unreadable or non-PEM file, a key that is not the certificate's,
 * or one flag without the other is a usage error naming the flag and the file.
 */
class TlsServerOptions {
  @Option(names = "--tls-cert", paramLabel = "FILE",
      description = "Serve gRPC, HTTPS and WSS on the port with this certificate (PEM; its chain may follow it). "
          + "Needs --tls-key.")
  Path cert;

  @Option(names = "--tls-key", paramLabel = "FILE",
      description = "The unencrypted private key (PEM) of --tls-cert.")
  Path key;

  /** What the node serves with: TLS with the checked certificate and key, or {@link Tls#NONE}. */
  Tls tls(FlagChecks check) {
    if (cert == null && key == null) {
      return Tls.NONE;
    }
    if (key == null) {
      throw check.usageError("--tls-cert needs --tls-key (the certificate's private key)");
    }
    if (cert == null) {
      throw check.usageError("--tls-key needs --tls-cert (the certificate of the key)");
    }
    check.pemCertificates("--tls-cert", cert);
    check.pemKey("--tls-key", key, cert);
    return Tls.serving(cert, key);
  }

  /** The options of a controller or worker: also {@code --tls-ca}, to call its peers over TLS. */
  static final class WithPeerCa extends TlsServerOptions {
    @Option(names = "--tls-ca", paramLabel = "FILE",
        description = "CA certificate (PEM) that signed the other nodes' certificates: call them (the controller, "
            + "the workers; with --cluster, the other members of the event bus) over TLS, verified against it. "
            + "Without it, those calls are plaintext.")
    Path ca;

    /**
     * Serving and calling TLS, checked; {@code clustered}: the event bus runs over mutual TLS when this node
     * has a certificate, so it then needs the CA to verify the other members.
     */
    Tls tls(FlagChecks check, boolean clustered) {
      Tls tls = tls(check).withCa(Optional.ofNullable(ca).map(file -> check.pemCertificates("--tls-ca", file)));
      if (clustered && tls.serves() && !tls.callsOverTls()) {
        throw check.usageError("--cluster with --tls-cert needs --tls-ca: the members of a TLS event bus verify "
            + "each other's certificates against it");
      }
      return tls;
    }
  }
}
