package dev.iris.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle is told from anything else by its zip structure, the way ZipFile (which unpacks it) reads it. */
class BundleFormatTest {
  private static final Map<String, String> FILES = new TreeMap<>(Map.of(
      "run.sh", "echo hi\n", "data/", "", "data/value.txt", "42\n".repeat(1000)));

  @TempDir
  Path tmp;

  @Test
  void acceptsZipArchivesAndCountsTheirEntries() {
    assertThat(BundleFormat.check(ByteBuffer.wrap(zip(Map.of(), null, ZipEntry.DEFLATED)))).isZero();
    assertThat(BundleFormat.check(ByteBuffer.wrap(zip(FILES, null, ZipEntry.DEFLATED)))).isEqualTo(3);
    assertThat(BundleFormat.check(ByteBuffer.wrap(zip(Map.of("a", "x"), null, ZipEntry.STORED)))).isEqualTo(1);
    assertThat(BundleFormat.check(ByteBuffer.wrap(zip(FILES, "a comment PK\u0005\u0006 with a signature",
        ZipEntry.DEFLATED)))).isEqualTo(3);
  }

  @Test
  void acceptsAZip64ArchiveWithMoreEntriesThanA16BitCount() {
    Map<String, String> many = new TreeMap<>();
    for (int i = 0; i < 70_000; i++) {
      many.put("f" + i, "");
    }
    assertThat(BundleFormat.check(ByteBuffer.wrap(zip(many, null, ZipEntry.STORED)))).isEqualTo(70_000);
  }

  @Test
  void acceptsBytesBeforeAndAfterTheArchiveAsZipFileDoes() throws IOException {
    byte[] zip = zip(FILES, null, ZipEntry.DEFLATED);
    byte[] prefixed = concat("#!/bin/sh\nexit 0\n".getBytes(StandardCharsets.US_ASCII), zip);
    byte[] trailed = concat(zip, new byte[100]);
    assertThat(BundleFormat.check(ByteBuffer.wrap(prefixed))).isEqualTo(3).isEqualTo(zipFileEntries(prefixed));
    assertThat(BundleFormat.check(ByteBuffer.wrap(trailed))).isEqualTo(3).isEqualTo(zipFileEntries(trailed));
  }

  @Test
  void readsOnlyTheBufferRemainingBytesAndLeavesItsPosition() {
    byte[] zip = zip(FILES, null, ZipEntry.DEFLATED);
    ByteBuffer inside = ByteBuffer.wrap(concat(new byte[7], zip, new byte[5]), 7, zip.length);
    assertThat(BundleFormat.check(inside)).isEqualTo(3);
    assertThat(inside.position()).isEqualTo(7);
  }

  @Test
  void refusesWhatIsNotAZipArchiveSayingWhy() throws IOException {
    byte[] zip = zip(FILES, null, ZipEntry.DEFLATED);
    ByteArrayOutputStream gzip = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
      out.write("hello".getBytes(StandardCharsets.UTF_8));
    }
    byte[] wrongCount = zip.clone();
    wrongCount[wrongCount.length - 12] = 7; // the end record's total entry count
    byte[] endOnly = Arrays.copyOf(new byte[] {'P', 'K', 5, 6}, 22);
    endOnly[12] = 100; // a directory of 100 bytes before the end record, which starts at 0

    expectNotAZip(new byte[0], "it is 0 bytes long, shorter than any zip archive");
    expectNotAZip("hello world".getBytes(StandardCharsets.UTF_8), "shorter than any zip archive");
    expectNotAZip("#!/bin/sh\necho this is a script, not a zip\n".getBytes(StandardCharsets.UTF_8),
        "it has no end-of-central-directory record");
    expectNotAZip(gzip.toByteArray(), "it has no end-of-central-directory record");
    expectNotAZip(Arrays.copyOf(zip, zip.length - 1), "it has no end-of-central-directory record");
    expectNotAZip(Arrays.copyOfRange(zip, 40, zip.length), "its central directory lies outside the archive");
    byte[] noLocalHeader = zip.clone();
    noLocalHeader[0] = 'X';
    expectNotAZip(noLocalHeader, "the header of entry 0 is not where its central directory says");
    expectNotAZip(wrongCount, "its central directory has 3 entries, its end record says 7");
    expectNotAZip(endOnly, "its central directory lies outside the archive");
    int directory = ByteBuffer.wrap(zip).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(zip.length - 6);
    byte[] encrypted = zip.clone();
    encrypted[directory + 8] |= 1;
    expectNotAZip(encrypted, "entry 0 is encrypted");
    byte[] bzip2 = zip.clone();
    bzip2[directory + 10] = 12;
    expectNotAZip(bzip2, "entry 0 is compressed with method 12, not stored or deflated");
    byte[] badName = zip.clone();
    badName[directory + 46] = (byte) 0xC3; // a lone lead byte
    expectNotAZip(badName, "the name of entry 0 is not UTF-8");
    byte[] longComment = zip.clone();
    longComment[zip.length - 2] = 9;
    expectNotAZip(longComment, "its end record's comment runs past the end of the bytes");
  }

  /** Whatever check accepts, ZipFile opens with as many entries: checked on mangled copies of real archives. */
  @Test
  void everyMangledArchiveItAcceptsZipFileOpens() throws IOException {
    byte[][] originals = {zip(FILES, null, ZipEntry.DEFLATED), zip(Map.of("a", "x", "b/", ""), "note", ZipEntry.STORED),
        zip(Map.of(), null, ZipEntry.DEFLATED)};
    Random random = new Random(14);
    int accepted = 0;
    for (int i = 0; i < 600; i++) {
      byte[] bytes = mangle(originals[i % originals.length], random);
      long entries;
      try {
        entries = BundleFormat.check(ByteBuffer.wrap(bytes));
      } catch (ValidationException refused) {
        assertThat(refused).hasMessageStartingWith("bundle is not a zip archive: ");
        continue;
      }
      accepted++;
      assertThat(zipFileEntries(bytes)).as("case %d", i).isEqualTo(entries);
    }
    assertThat(accepted).as("some mangled archives are still archives").isPositive();
  }

  private static byte[] mangle(byte[] zip, Random random) {
    byte[] out = zip.clone();
    switch (random.nextInt(4)) {
      case 0 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
      case 1 -> out = Arrays.copyOf(out, random.nextInt(out.length));
      case 2 -> out = Arrays.copyOfRange(out, random.nextInt(out.length), out.length);
      default -> {
        for (int k = 0; k < 3; k++) {
          out[out.length - 1 - random.nextInt(Math.min(out.length, 120))] = (byte) random.nextInt(256);
        }
      }
    }
    return out;
  }

  private long zipFileEntries(byte[] bytes) throws IOException {
    Path file = Files.write(Files.createTempFile(tmp, "bundle", ".zip"), bytes);
    try (ZipFile zip = new ZipFile(file.toFile())) {
      return zip.size();
    }
  }

  private static void expectNotAZip(byte[] bytes, String why) {
    assertThatThrownBy(() -> BundleFormat.check(ByteBuffer.wrap(bytes))).isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("bundle is not a zip archive: ").hasMessageContaining(why);
  }

  private static byte[] zip(Map<String, String> files, String comment, int method) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.setMethod(method);
      if (comment != null) {
        zip.setComment(comment);
      }
      for (Map.Entry<String, String> file : new TreeMap<>(files).entrySet()) {
        ZipEntry entry = new ZipEntry(file.getKey());
        byte[] data = file.getValue().getBytes(StandardCharsets.UTF_8);
        if (method == ZipEntry.STORED) {
          java.util.zip.CRC32 crc = new java.util.zip.CRC32();
          crc.update(data);
          entry.setSize(data.length);
          entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    return bytes.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.CsvSource({
      "../evil, true", "/etc/passwd, true", "a/../../x, true", "a/../b, false", "./a/./b, false", "a/b/.., false",
      "a..b, false", "..a, false", "dir/, false"})
  void anEntryThatLeavesItsDirectoryIsRefusedAtSubmit(String name, boolean escapes) {
    assertThat(BundleFormat.escapes(name)).isEqualTo(escapes);
    byte[] bundle = zip(Map.of(name.endsWith("/") ? name + "f" : name, "x"), null, ZipEntry.DEFLATED);
    if (escapes) {
      assertThatThrownBy(() -> BundleFormat.check(ByteBuffer.wrap(bundle))).isInstanceOf(ValidationException.class)
          .hasMessageContaining("escapes the working directory");
    } else {
      assertThat(BundleFormat.check(ByteBuffer.wrap(bundle))).isEqualTo(1);
    }
  }
}
