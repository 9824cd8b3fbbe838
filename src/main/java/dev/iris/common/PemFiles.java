package dev.iris.common;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of the PEM files of {@link Tls} before they are used, so a wrong path or a swapped file is one line
 * at start ("FILE: no such file") instead of a stack trace or a failed handshake later. Each check throws
 * {@link IllegalArgumentException} whose message starts with the file; callers put the flag in front.
 */
public final class PemFiles {
  private static final Pattern BLOCK = Pattern.compile(
      "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]*?)\\s*-----END \\1-----");
  /** The longest PEM file read: certificates and keys are a few KB, a chain of many certificates some 100 KB. */
  private static final long MAX_BYTES = 1 << 20;

  private PemFiles() {}

  /** Checks every file {@code tls} names, the key against its certificate. */
  public static void check(Tls tls) {
    if (tls.cert().isPresent()) {
      privateKey(tls.key().orElseThrow(), certificates(tls.cert().get()).get(0), tls.cert().get());
    }
    tls.ca().ifPresent(PemFiles::certificates);
  }

  /** The X.509 certificates in {@code file}, at least one. */
  public static List<X509Certificate> certificates(Path file) {
    List<Block> blocks = blocks(file);
    List<X509Certificate> certs = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (Block b : blocks) {
        if (b.type().equals("CERTIFICATE")) {
          certs.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(b.der())));
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(file + ": a certificate in it does not parse (" + e.getMessage() + ")");
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(file + ": holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
          + (blocks.stream().anyMatch(Block::isKey) ? "; it holds a private key" : ""));
    }
    return certs;
  }

  /**
   * Checks that {@code file} holds one unencrypted private key and, for a PKCS#8 key ({@code BEGIN PRIVATE
   * KEY}, what openssl 3 writes) of an RSA, EC or EdDSA certificate, that it is the key of {@code cert}.
   */
  public static void privateKey(Path file, X509Certificate cert, Path certFile) {
    List<Block> keys = blocks(file).stream().filter(Block::isKey).toList();
    if (keys.isEmpty()) {
      throw new IllegalArgumentException(file + ": holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    Block key = keys.get(0);
    if (key.type().contains("ENCRYPTED")) {
      throw new IllegalArgumentException(file + ": the private key is encrypted; give it unencrypted "
          + "(openssl pkey -in " + file + " -out key.pem)");
    }
    if (!key.type().equals("PRIVATE KEY")) {
      return; // PKCS#1 or SEC1: Vert.x reads them; whether they match shows at the first handshake
    }
    Optional<Boolean> matches = matches(key.der(), cert.getPublicKey());
    if (matches.isPresent() && !matches.get()) {
      throw new IllegalArgumentException(file + ": is not the private key of the certificate in " + certFile);
    }
  }

  /** Whether the PKCS#8 key signs what {@code publicKey} verifies; empty when this cannot tell. */
  private static Optional<Boolean> matches(byte[] pkcs8, PublicKey publicKey) {
    String algorithm = publicKey.getAlgorithm();
    String signature = switch (algorithm) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> algorithm;
      default -> null;
    };
    if (signature == null) {
      return Optional.empty();
    }
    PrivateKey privateKey;
    try {
      privateKey = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
    } catch (GeneralSecurityException e) {
      return Optional.of(false); // not a key of the certificate's kind
    }
    try {
      byte[] probe = new byte[32];
      new SecureRandom().nextBytes(probe);
      Signature signer = Signature.getInstance(signature);
      signer.initSign(privateKey);
      signer.update(probe);
      byte[] signed = signer.sign();
      Signature verifier = Signature.getInstance(signature);
      verifier.initVerify(publicKey);
      verifier.update(probe);
      return Optional.of(verifier.verify(signed));
    } catch (GeneralSecurityException e) {
      return Optional.of(false);
    }
  }

  private record Block(String type, byte[] der) {
    boolean isKey() {
      return type.endsWith("PRIVATE KEY");
    }
  }

  private static List<Block> blocks(Path file) {
    String text = read(file);
    List<Block> blocks = new ArrayList<>();
    Matcher m = BLOCK.matcher(text);
    while (m.find()) {
      try {
        blocks.add(new Block(m.group(1), Base64.getMimeDecoder().decode(m.group(2))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": a PEM block (" + m.group(1) + ") is not valid base64");
      }
    }
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException(file + ": not a PEM file (no -----BEGIN ...----- block)");
    }
    return blocks;
  }

  private static String read(Path file) {
    if (!Files.exists(file)) {
      throw new IllegalArgumentException(file + ": no such file");
    }
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(file + ": is a directory, not a PEM file");
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(file + ": cannot be read (permission denied)");
    }
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new IllegalArgumentException(file + ": too large for a PEM file (over 1 MiB)");
      }
      return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot be read (" + e.getMessage() + ")");
    }
  }
}
