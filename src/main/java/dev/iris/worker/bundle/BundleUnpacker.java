package dev.iris.worker.bundle;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Extracts a bundle into a working directory, refusing anything that could write outside it or fill
 * the disk: entries whose normalised path leaves the directory (absolute or with {@code ..}), symbolic
 * links, more than {@code maxEntries} entries, and more than {@code maxBytes} of extracted data (counted
 * while writing, not taken from the archive's claims). Every entry is checked before anything is
 * written. Files marked executable in the zip's Unix mode become executable.
 */
final class BundleUnpacker {
  private static final int BUFFER_BYTES = 64 * 1024;

  private final long maxBytes;
  private final int maxEntries;

  BundleUnpacker(long maxBytes, int maxEntries) {
    this.maxBytes = maxBytes;
    this.maxEntries = maxEntries;
  }

  void unpack(Path zipFile, Path workDir) throws IOException {
    Path root = workDir.toAbsolutePath().normalize();
    Files.createDirectories(root);
    Map<String, Integer> modes = ZipUnixModes.read(zipFile);
    try (ZipFile zip = new ZipFile(zipFile.toFile())) {
      List<? extends ZipEntry> entries = Collections.list(zip.entries());
      if (entries.size() > maxEntries) {
        throw new BundleException("bundle has " + entries.size() + " entries, more than the limit of " + maxEntries);
      }
      List<Path> targets = new ArrayList<>(entries.size());
      for (ZipEntry entry : entries) {
        targets.add(checkedTarget(root, entry, modes.get(entry.getName())));
      }
      long[] written = {0};
      for (int i = 0; i < entries.size(); i++) {
        extract(zip, entries.get(i), targets.get(i), root, modes.get(entries.get(i).getName()), written);
      }
    }
  }

  private Path checkedTarget(Path root, ZipEntry entry, Integer mode) {
    String name = entry.getName();
    if (mode != null && (mode & ZipUnixModes.S_IFMT) == ZipUnixModes.S_IFLNK) {
      throw new BundleException("bundle entry '" + name + "' is a symbolic link, which bundles may not contain");
    }
    Path target = name.isEmpty() || name.startsWith("/") || name.indexOf('\0') >= 0
        ? null
        : root.resolve(name).normalize();
    if (target == null || !target.startsWith(root) || (target.equals(root) && !entry.isDirectory())) {
      throw new BundleException("bundle entry '" + name + "' escapes the working directory");
    }
    return target;
  }

  private void extract(ZipFile zip, ZipEntry entry, Path target, Path root, Integer mode, long[] written)
      throws IOException {
    if (entry.isDirectory()) {
      Files.createDirectories(target);
      return;
    }
    Path parent = target.getParent();
    Files.createDirectories(parent);
    if (!parent.toRealPath().startsWith(root.toRealPath())) {
      throw new BundleException("bundle entry '" + entry.getName() + "' escapes the working directory");
    }
    byte[] buffer = new byte[BUFFER_BYTES];
    try (InputStream in = zip.getInputStream(entry);
        OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        written[0] += n;
        if (written[0] > maxBytes) {
          throw new BundleException("bundle expands beyond the limit of " + maxBytes + " bytes");
        }
        out.write(buffer, 0, n);
      }
    }
    if (mode != null && (mode & 0111) != 0) {
      makeExecutable(target, mode);
    }
  }

  private static void makeExecutable(Path file, int mode) throws IOException {
    try {
      Set<PosixFilePermission> permissions = EnumSet.copyOf(Files.getPosixFilePermissions(file));
      permissions.add(PosixFilePermission.OWNER_EXECUTE);
      if ((mode & 0010) != 0) {
        permissions.add(PosixFilePermission.GROUP_EXECUTE);
      }
      if ((mode & 0001) != 0) {
        permissions.add(PosixFilePermission.OTHERS_EXECUTE);
      }
      Files.setPosixFilePermissions(file, permissions);
    } catch (UnsupportedOperationException notPosix) {
      file.toFile().setExecutable(true); // best effort on a non-POSIX file system
    }
  }
}
