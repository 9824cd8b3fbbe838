package dev.iris.worker.bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Makes a bundle from a directory, deterministically: entries sorted by path, a fixed timestamp, and
 * each file's Unix permissions recorded so that executables stay executable. Symbolic links to files are
 * stored as the files they point to; links to directories are not followed.
 */
final class BundleZipper {
  private static final LocalDateTime FIXED_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

  private BundleZipper() {}

  static byte[] zip(Path dir) {
    try {
      List<Path> paths;
      try (Stream<Path> walk = Files.walk(dir)) {
        paths = walk.filter(p -> !p.equals(dir)).collect(Collectors.toList());
      }
      Map<String, Path> byName = new TreeMap<>();
      for (Path path : paths) {
        String name = dir.relativize(path).toString().replace(path.getFileSystem().getSeparator(), "/");
        if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
          byName.put(name + "/", path);
        } else if (Files.isRegularFile(path)) {
          byName.put(name, path);
        }
      }
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      Map<String, Integer> modes = new HashMap<>();
      try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
        for (Map.Entry<String, Path> item : byName.entrySet()) {
          ZipEntry entry = new ZipEntry(item.getKey());
          entry.setTimeLocal(FIXED_TIME);
          zip.putNextEntry(entry);
          boolean directory = item.getKey().endsWith("/");
          if (!directory) {
            Files.copy(item.getValue(), zip);
          }
          zip.closeEntry();
          modes.put(item.getKey(), (directory ? ZipUnixModes.S_IFDIR : ZipUnixModes.S_IFREG)
              | permissionBits(item.getValue(), directory));
        }
      }
      byte[] archive = bytes.toByteArray();
      ZipUnixModes.write(archive, modes);
      return archive;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot zip " + dir, e);
    }
  }

  private static int permissionBits(Path path, boolean directory) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path);
      int bits = 0;
      for (PosixFilePermission permission : permissions) {
        bits |= 1 << (8 - permission.ordinal()); // OWNER_READ is 0400 ... OTHERS_EXECUTE is 0001
      }
      return bits;
    } catch (IOException | UnsupportedOperationException e) {
      return directory ? 0755 : (Files.isExecutable(path) ? 0755 : 0644); // non-POSIX file system
    }
  }
}
