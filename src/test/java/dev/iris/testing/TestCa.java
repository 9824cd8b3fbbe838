package dev.iris.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A certificate authority made for a test with the JDK's {@code keytool} (no openssl, no extra library), in a
 * directory the test owns (a {@code @TempDir}): {@code ca.pem}, and for each {@link #issue issued} name a PEM
 * certificate signed by the CA and its PKCS#8 private key as PEM, the files {@code --tls-cert}, {@code
 * --tls-key} and {@code --tls-ca} take. Keys are EC P-256: fast to make, and read by Vert.x.
 *
 * <pre>{@code
 * TestCa ca = TestCa.create(tempDir);
 * TestCa.Issued node = ca.issue("node");   // for localhost and 127.0.0.1
 * ... "--tls-cert", node.cert(), "--tls-key", node.key(), "--tls-ca", ca.cert()
 * }</pre>
 */
public final class TestCa {
  private static final String PASSWORD = "iris-test";
  private final Path dir;
  private final Path keystore;
  private final Path cert;

  /** A certificate signed by the CA and its private key, as PEM files. */
  public record Issued(Path cert, Path key) {}

  private TestCa(Path dir, Path keystore, Path cert) {
    this.dir = dir;
    this.keystore = keystore;
    this.cert = cert;
  }

  /** Makes a CA in {@code dir} ({@code ca.p12} holds its key, {@code ca.pem} its certificate). */
  public static TestCa create(Path dir) {
    return create(dir, "ca");
  }

  /** Makes a CA named {@code name} in {@code dir}: a second one stands for an untrusted authority. */
  public static TestCa create(Path dir, String name) {
    Path keystore = dir.resolve(name + ".p12");
    Path pem = dir.resolve(name + ".pem");
    keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
        "CN=Iris test CA " + name, "-ext", "bc:c", "-validity", "2", "-keystore", keystore.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", keystore.toString(), "-storepass", PASSWORD,
        "-file", pem.toString());
    return new TestCa(dir, keystore, pem);
  }

  /** The CA's certificate (PEM): what clients and peers verify with. */
  public Path cert() {
    return cert;
  }

  /** A JDK TLS context that trusts this CA alone: for {@code java.net.http.HttpClient} (HTTPS, WSS) in tests. */
  public javax.net.ssl.SSLContext sslContext() {
    try (InputStream in = Files.newInputStream(cert)) {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust " + cert + ": " + e.getMessage(), e);
    }
  }

  /** A certificate for {@code localhost} and {@code 127.0.0.1}, named {@code name}. */
  public Issued issue(String name) {
    return issue(name, "dns:localhost,ip:127.0.0.1");
  }

  /** A certificate whose subject alternative names are {@code san} (keytool's form: {@code dns:x,ip:1.2.3.4}). */
  public Issued issue(String name, String san) {
    Path store = dir.resolve(name + ".p12");
    Path csr = dir.resolve(name + ".csr");
    Path pem = dir.resolve(name + ".pem");
    Path key = dir.resolve(name + ".key");
    keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
    keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-storepass", PASSWORD, "-file",
        csr.toString());
    keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", keystore.toString(), "-storepass", PASSWORD,
        "-infile", csr.toString(), "-outfile", pem.toString(), "-ext", "san=" + san, "-validity", "2");
    writeKey(store, name, key);
    return new Issued(pem, key);
  }

  /** Writes the private key of {@code alias} in the PKCS#12 {@code store} as PKCS#8 PEM. */
  private static void writeKey(Path store, String alias, Path out) {
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, PASSWORD.toCharArray());
      Key key = ks.getKey(alias, PASSWORD.toCharArray());
      if (!(key instanceof PrivateKey)) {
        throw new IllegalStateException("no private key " + alias + " in " + store);
      }
      String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
      Files.writeString(out, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot write the key of " + alias + ": " + e.getMessage(), e);
    }
  }

  private static void keytool(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    // a short-lived JVM: the quick JIT tier and the serial GC start it in ~60% of the default's time
    command.addAll(List.of("-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC"));
    command.addAll(List.of(args));
    command.add("-noprompt");
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      byte[] output = p.getInputStream().readAllBytes();
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: "
            + new String(output, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run keytool: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running keytool", e);
    }
  }
}
