package dev.iris.worker.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.core.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleCacheTest {
  @TempDir Path temp;

  private Path sourceTree() throws IOException {
    Path source = Files.createDirectories(temp.resolve("source"));
    Files.writeString(source.resolve("main.py"), "print('hello')\n");
    Files.createDirectories(source.resolve("pkg/sub"));
    Files.writeString(source.resolve("pkg/sub/data.txt"), "data");
    Files.createDirectories(source.resolve("empty"));
    Path script = source.resolve("run.sh");
    Files.writeString(script, "#!/bin/sh\necho ran\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return source;
  }

  private static byte[] zipOf(Map<String, byte[]> entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(entry.getKey()));
        zip.write(entry.getValue());
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  @Test
  void aDirectoryRoundTripsThroughTheCache() throws IOException {
    byte[] zip = BundleCache.zipDirectory(sourceTree());
    String hash = Sha256.hex(zip);
    BundleCache cache = new BundleCache(temp.resolve("cache"));

    Path cached = cache.store(hash, zip);
    assertThat(cached).hasFileName(hash + ".zip").hasBinaryContent(zip);
    assertThat(cache.contains(hash.toUpperCase())).isTrue();

    Path work = temp.resolve("work");
    cache.unpack(hash, work);
    assertThat(work.resolve("main.py")).hasContent("print('hello')");
    assertThat(work.resolve("pkg/sub/data.txt")).hasContent("data");
    assertThat(work.resolve("empty")).isEmptyDirectory();
    assertThat(Files.isExecutable(work.resolve("run.sh"))).isTrue();
    assertThat(Files.isExecutable(work.resolve("main.py"))).isFalse();
  }

  @Test
  void zippingIsDeterministic() throws IOException {
    Path source = sourceTree();
    byte[] first = BundleCache.zipDirectory(source);
    Files.setLastModifiedTime(source.resolve("main.py"), FileTime.fromMillis(123_456_789));
    assertThat(BundleCache.zipDirectory(source)).isEqualTo(first);
  }

  @Test
  void aHashMismatchIsRefused() throws IOException {
    byte[] zip = zipOf(Map.of("a.txt", "a".getBytes(StandardCharsets.UTF_8)));
    String wrong = Sha256.hex(new byte[] {1});
    BundleCache cache = new BundleCache(temp.resolve("cache"));

    assertThatThrownBy(() -> cache.store(wrong, zip))
        .isInstanceOf(BundleException.class)
        .hasMessage("bundle hash mismatch: expected " + wrong + ", content hashes to " + Sha256.hex(zip));
    assertThat(cache.contains(wrong)).isFalse();
    assertThatThrownBy(() -> cache.store("not-a-hash", zip))
        .isInstanceOf(BundleException.class).hasMessageContaining("expected 64 hex digits");
  }

  @Test
  void anEntryEscapingTheWorkingDirectoryIsRefusedBeforeAnythingIsWritten() throws IOException {
    for (String evil : new String[] {"../evil", "ok/../../evil", "/tmp/iris-evil-absolute"}) {
      Map<String, byte[]> entries = new LinkedHashMap<>();
      entries.put("fine.txt", new byte[] {1});
      entries.put(evil, new byte[] {2});
      byte[] zip = zipOf(entries);
      BundleCache cache = new BundleCache(temp.resolve("cache"));
      String hash = Sha256.hex(zip);
      cache.store(hash, zip);
      Path work = temp.resolve("jail/work");

      assertThatThrownBy(() -> cache.unpack(hash, work))
          .isInstanceOf(BundleException.class)
          .hasMessage("bundle entry '" + evil + "' escapes the working directory");
      assertThat(temp.resolve("jail/evil")).doesNotExist();
      assertThat(Path.of("/tmp/iris-evil-absolute")).doesNotExist();
      assertThat(work.resolve("fine.txt")).doesNotExist();
    }
  }

  @Test
  void aSymbolicLinkEntryIsRefused() throws IOException {
    byte[] zip = zipOf(Map.of("link", "/etc/passwd".getBytes(StandardCharsets.UTF_8)));
    ZipUnixModes.write(zip, Map.of("link", ZipUnixModes.S_IFLNK | 0777));
    BundleCache cache = new BundleCache(temp.resolve("cache"));
    String hash = Sha256.hex(zip);
    cache.store(hash, zip);

    assertThatThrownBy(() -> cache.unpack(hash, temp.resolve("work")))
        .isInstanceOf(BundleException.class)
        .hasMessage("bundle entry 'link' is a symbolic link, which bundles may not contain");    // and the controller refuses it at submit, by the same words
    assertThatThrownBy(() -> dev.iris.core.BundleFormat.check(java.nio.ByteBuffer.wrap(zip)))
        .isInstanceOf(dev.iris.core.ValidationException.class)
        .hasMessage("bundle entry 'link' is a symbolic link, which bundles may not contain");
  }

  @Test
  void aZipBombIsStoppedAtTheSizeLimit() throws IOException {
    byte[] zip = zipOf(Map.of("zeros", new byte[8 * 1024 * 1024]));
    assertThat(zip.length).isLessThan(64 * 1024);
    BundleCache cache = new BundleCache(temp.resolve("cache"), 1024 * 1024);
    String hash = Sha256.hex(zip);
    cache.store(hash, zip);

    assertThatThrownBy(() -> cache.unpack(hash, temp.resolve("work")))
        .isInstanceOf(BundleException.class)
        .hasMessage("bundle expands beyond the limit of 1048576 bytes");
    assertThat(Files.size(temp.resolve("work/zeros"))).isLessThanOrEqualTo(1024 * 1024);
  }

  @Test
  void missingAndCorruptBundlesAreReportedClearly() {
    BundleCache cache = new BundleCache(temp.resolve("cache"));
    String absent = Sha256.hex(new byte[] {42});
    assertThatThrownBy(() -> cache.unpack(absent, temp.resolve("work")))
        .isInstanceOf(BundleException.class).hasMessage("bundle " + absent + " is not in the cache");

    byte[] garbage = "not a zip at all".getBytes(StandardCharsets.UTF_8);
    String hash = Sha256.hex(garbage);
    cache.store(hash, garbage);
    assertThatThrownBy(() -> cache.unpack(hash, temp.resolve("work")))
        .isInstanceOf(BundleException.class).hasMessageContaining("is not a valid zip archive");
  }
}
