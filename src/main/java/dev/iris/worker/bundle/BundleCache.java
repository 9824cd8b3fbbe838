package dev.iris.worker.bundle;

import dev.iris.core.Sha256;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.ZipException;

/**
 * Job bundles (zip archives) cached on disk by their SHA-256, as {@code <cacheDir>/<hash>.zip}, and
 * unpacked safely into working directories (see {@link #unpack}). Storing is atomic (write to a
 * temporary file, then rename), so concurrent stores of the same bundle are harmless. Thread-safe.
 */
public final class BundleCache {
  /** Default limit on a bundle's extracted size: 1 GiB. */
  public static final long DEFAULT_MAX_UNPACKED_BYTES = 1L << 30;
  /** Limit on the number of entries in a bundle. */
  public static final int MAX_ENTRIES = 100_000;

  private final Path cacheDir;
  private final BundleUnpacker unpacker;

  /** A cache in {@code cacheDir} with the default 1 GiB extraction limit. */
  public BundleCache(Path cacheDir) {
    this(cacheDir, DEFAULT_MAX_UNPACKED_BYTES);
  }

  /** A cache in {@code cacheDir} refusing bundles that extract to more than {@code maxUnpackedBytes}. */
  public BundleCache(Path cacheDir, long maxUnpackedBytes) {
    if (maxUnpackedBytes <= 0) {
      throw new IllegalArgumentException("maxUnpackedBytes must be positive, got " + maxUnpackedBytes);
    }
    this.cacheDir = cacheDir;
    this.unpacker = new BundleUnpacker(maxUnpackedBytes, MAX_ENTRIES);
  }

  /**
   * Verifies {@code zip} against its expected hash and caches it.
   *
   * @return the cached file
   * @throws BundleException when the hash is malformed or does not match the content
   */
  public Path store(String sha256Hex, byte[] zip) {
    String expected = normalize(sha256Hex);
    String actual = Sha256.hex(zip);
    if (!actual.equals(expected)) {
      throw new BundleException("bundle hash mismatch: expected " + expected + ", content hashes to " + actual);
    }
    Path target = pathOf(expected);
    if (Files.isRegularFile(target)) {
      return target;
    }
    try {
      Files.createDirectories(cacheDir);
      Path temporary = Files.createTempFile(cacheDir, expected, ".part");
      try {
        Files.write(temporary, zip);
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temporary);
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot cache bundle " + expected, e);
    }
  }

  /** Whether the bundle with this hash is cached. */
  public boolean contains(String sha256Hex) {
    return Files.isRegularFile(pathOf(normalize(sha256Hex)));
  }

  /**
   * Extracts a cached bundle into {@code workDir} (created if needed). On failure the directory may hold
   * part of the bundle; the caller discards it with the attempt.
   *
   * @throws BundleException when the bundle is not cached, unreadable, or unsafe
   */
  public void unpack(String sha256Hex, Path workDir) {
    String hash = normalize(sha256Hex);
    Path zip = pathOf(hash);
    if (!Files.isRegularFile(zip)) {
      throw new BundleException("bundle " + hash + " is not in the cache");
    }
    try {
      unpacker.unpack(zip, workDir);
    } catch (ZipException e) {
      throw new BundleException("bundle " + hash + " is not a valid zip archive: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack bundle " + hash + " into " + workDir, e);
    }
  }

  /** Zips a directory into a bundle, deterministically (same tree, same bytes). */
  public static byte[] zipDirectory(Path dir) {
    return BundleZipper.zip(dir);
  }

  private Path pathOf(String hash) {
    return cacheDir.resolve(hash + ".zip");
  }

  private static String normalize(String sha256Hex) {
    String hash = sha256Hex == null ? "" : sha256Hex.toLowerCase(Locale.ROOT);
    if (!Sha256.isHex(hash)) {
      throw new BundleException("invalid bundle hash '" + sha256Hex + "': expected 64 hex digits");
    }
    return hash;
  }
}
