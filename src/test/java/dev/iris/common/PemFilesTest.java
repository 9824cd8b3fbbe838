package dev.iris.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.testing.TestCa;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files of {@link Tls} are checked at start, each failure one line naming the file. */
class PemFilesTest {
  @TempDir static Path dir;
  private static TestCa ca;
  private static TestCa.Issued node;
  private static TestCa.Issued other;

  @BeforeAll
  static void makeCa() {
    ca = TestCa.create(dir);
    node = ca.issue("node");
    other = ca.issue("other");
  }

  @Test
  void aCertificateItsKeyAndTheCaPass() {
    PemFiles.check(new Tls(Optional.of(node.cert()), Optional.of(node.key()), Optional.of(ca.cert())));
    assertThat(PemFiles.certificates(node.cert())).singleElement()
        .satisfies(c -> assertThat(c.getSubjectX500Principal().getName()).isEqualTo("CN=node"));
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = dir.resolve("nope.pem");
    assertThatThrownBy(() -> PemFiles.certificates(missing)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage(missing + ": no such file");
  }

  @Test
  void aDirectoryIsNotAPemFile() {
    assertThatThrownBy(() -> PemFiles.certificates(dir)).hasMessage(dir + ": is a directory, not a PEM file");
  }

  @Test
  void anUnreadableFileIsNamed() throws Exception {
    Path locked = Files.copy(ca.cert(), dir.resolve("locked.pem"));
    Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("---------"));
    org.junit.jupiter.api.Assumptions.assumeFalse(Files.isReadable(locked), "root reads every file");
    assertThatThrownBy(() -> PemFiles.certificates(locked)).hasMessage(locked + ": cannot be read (permission denied)");
  }

  @Test
  void aFileWithoutPemIsRefused() throws Exception {
    Path text = Files.writeString(dir.resolve("text.pem"), "hello\n");
    assertThatThrownBy(() -> PemFiles.certificates(text))
        .hasMessage(text + ": not a PEM file (no -----BEGIN ...----- block)");
  }

  @Test
  void aKeyGivenAsCertificateIsRefusedSayingWhatItHolds() {
    assertThatThrownBy(() -> PemFiles.certificates(node.key()))
        .hasMessage(node.key() + ": holds no PEM certificate (-----BEGIN CERTIFICATE-----); it holds a private key");
  }

  @Test
  void aCertificateGivenAsKeyIsRefused() {
    assertThatThrownBy(() -> PemFiles.check(Tls.serving(node.cert(), ca.cert())))
        .hasMessage(ca.cert() + ": holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
  }

  @Test
  void theKeyOfAnotherCertificateIsRefused() {
    assertThatThrownBy(() -> PemFiles.check(Tls.serving(node.cert(), other.key())))
        .hasMessage(other.key() + ": is not the private key of the certificate in " + node.cert());
  }

  @Test
  void anEncryptedKeyIsRefusedWithTheWayOut() throws Exception {
    Path encrypted = Files.writeString(dir.resolve("encrypted.key"),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThatThrownBy(() -> PemFiles.check(Tls.serving(node.cert(), encrypted)))
        .hasMessageStartingWith(encrypted + ": the private key is encrypted; give it unencrypted");
  }

  @Test
  void aCorruptCertificateIsRefused() throws Exception {
    Path corrupt = Files.writeString(dir.resolve("corrupt.pem"),
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertThatThrownBy(() -> PemFiles.certificates(corrupt))
        .hasMessageStartingWith(corrupt + ": a certificate in it does not parse");
  }

  @Test
  void aCertificateWithoutKeyIsNotATlsSetting() {
    assertThatThrownBy(() -> new Tls(Optional.of(node.cert()), Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
