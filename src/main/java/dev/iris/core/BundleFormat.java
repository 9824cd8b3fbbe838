package dev.iris.core;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A bundle is a zip archive, unpacked into each task's working directory. {@link #check} tells a zip
 * archive from anything else at submit time, cheaply and without unpacking: it finds the archive's end
 * record and walks its central directory, checking that each entry's header is where the directory says
 * (in time linear in the number of entries, whatever the entries would inflate to). It reads the archive the
 * way {@link java.util.zip.ZipFile}, which unpacks bundles, does: the end record is searched backwards
 * through the last 64 KiB (a comment may follow it), Zip64 end records are followed, and bytes before the
 * archive (a self-extracting prefix) are allowed. An empty archive (an end record alone) is a bundle with
 * no files. What the entries hold (paths, sizes, links) is the unpacker's to check.
 */
public final class BundleFormat {
  /** The "made by" host of an entry whose external attributes hold a Unix mode. */
  private static final int UNIX = 3;
  private static final long FILE_TYPE = 0170000;
  private static final long SYMLINK = 0120000;
  private static final int END_SIGNATURE = 0x06054b50;
  private static final int END_SIZE = 22;
  private static final int MAX_COMMENT = 0xFFFF;
  private static final int ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
  private static final int ZIP64_LOCATOR_SIZE = 20;
  private static final int ZIP64_END_SIGNATURE = 0x06064b50;
  private static final int ZIP64_END_SIZE = 56;
  private static final int CENTRAL_SIGNATURE = 0x02014b50;
  private static final int CENTRAL_SIZE = 46;
  private static final int LOCAL_SIGNATURE = 0x04034b50;
  private static final int LOCAL_SIZE = 30;
  private static final int MAGIC_COUNT = 0xFFFF;
  private static final long MAGIC_LONG = 0xFFFFFFFFL;
  private static final int MAX_HEADER_SIZE = 0xFFFF;
  private static final int ENCRYPTED = 1;
  private static final int STORED = 0;
  private static final int DEFLATED = 8;

  private BundleFormat() {}

  /**
   * The number of entries of the zip archive {@code bundle} (its remaining bytes; its position is left as is).
   *
   * @throws ValidationException {@code bundle is not a zip archive: <why>}
   */
  public static long check(ByteBuffer bundle) {
    ByteBuffer zip = bundle.slice().order(ByteOrder.LITTLE_ENDIAN);
    int size = zip.limit();
    if (size < END_SIZE) {
      throw notAZip("it is " + size + " bytes long, shorter than any zip archive");
    }
    String problem = "it has no end-of-central-directory record";
    int lowest = Math.max(0, size - END_SIZE - MAX_COMMENT);
    for (int at = size - END_SIZE; at >= lowest; at--) {
      if (zip.getInt(at) != END_SIGNATURE) {
        continue;
      }
      Directory directory;
      try {
        directory = Directory.at(zip, at);
      } catch (ValidationException e) {
        problem = e.getMessage();
        continue;
      }
      // like ZipFile: the end record whose comment runs to the end of the bytes, or whose directory starts
      // with an entry, is the archive's; a signature in a comment, in stored data or in trailing bytes is not
      int commentEnd = at + END_SIZE + u16(zip, at + 20);
      if (commentEnd == size
          || (directory.start < directory.end && zip.getInt(directory.start) == CENTRAL_SIGNATURE)) {
        if (commentEnd > size) {
          throw notAZip("its end record's comment runs past the end of the bytes");
        }
        return directory.walk(zip);
      }
    }
    throw notAZip(problem);
  }

  /** Where an end record says the central directory is, and how many entries it has. */
  private record Directory(int start, int end, long prefix, long entries, boolean countKnown) {
    static Directory at(ByteBuffer zip, int endRecord) {
      long entries = u16(zip, endRecord + 10);
      long size = u32(zip, endRecord + 12);
      long offset = u32(zip, endRecord + 16);
      int locator = endRecord - ZIP64_LOCATOR_SIZE;
      boolean zip64 = (entries == MAGIC_COUNT || size == MAGIC_LONG || offset == MAGIC_LONG)
          && locator >= 0 && zip.getInt(locator) == ZIP64_LOCATOR_SIGNATURE;
      if (!zip64) {
        return located(endRecord, size, offset, entries, entries != MAGIC_COUNT);
      }
      long record = zip.getLong(locator + 8);
      if (record < 0 || record > locator - ZIP64_END_SIZE || zip.getInt((int) record) != ZIP64_END_SIGNATURE) {
        throw notAZip("its Zip64 end record is missing");
      }
      int at = (int) record;
      return located(at, zip.getLong(at + 40), zip.getLong(at + 48), zip.getLong(at + 32), true);
    }

    private static Directory located(int end, long size, long offset, long entries, boolean countKnown) {
      long start = end - size;
      if (size < 0 || offset < 0 || entries < 0 || start < 0 || start < offset) {
        throw notAZip("its central directory lies outside the archive");
      }
      return new Directory((int) start, end, start - offset, entries, countKnown);
    }

    /**
     * Walks the entries of the directory as ZipFile reads them (signature, size, encryption, compression
     * method, name), checking too that each one's local header is where the directory says; returns their
     * number.
     */
    long walk(ByteBuffer zip) {
      CharsetDecoder names = StandardCharsets.UTF_8.newDecoder();
      long count = 0;
      int at = start;
      while (at < end) {
        if (at > end - CENTRAL_SIZE || zip.getInt(at) != CENTRAL_SIGNATURE) {
          throw notAZip("entry " + count + " of its central directory is malformed");
        }
        int nameLength = u16(zip, at + 28);
        int extraLength = u16(zip, at + 30);
        int headerSize = CENTRAL_SIZE + nameLength + extraLength + u16(zip, at + 32);
        if (headerSize > MAX_HEADER_SIZE || at > end - headerSize) {
          throw notAZip("entry " + count + " of its central directory runs past the directory's end");
        }
        if ((u16(zip, at + 8) & ENCRYPTED) != 0) {
          throw notAZip("entry " + count + " is encrypted");
        }
        int method = u16(zip, at + 10);
        if (method != STORED && method != DEFLATED) {
          throw notAZip("entry " + count + " is compressed with method " + method + ", not stored or deflated");
        }
        String name;
        try {
          name = names.decode(zip.slice(at + CENTRAL_SIZE, nameLength)).toString();
        } catch (CharacterCodingException e) {
          throw notAZip("the name of entry " + count + " is not UTF-8");
        }
        if (escapes(name)) {
          throw new ValidationException("bundle entry " + Quoted.of(name) + " escapes the working directory");
        }
        boolean madeOnUnix = (u16(zip, at + 4) >>> 8) == UNIX;
        if (madeOnUnix && ((u32(zip, at + 38) >>> 16) & FILE_TYPE) == SYMLINK) {
          throw new ValidationException("bundle entry " + Quoted.of(name)
              + " is a symbolic link, which bundles may not contain");
        }
        long local = u32(zip, at + 42);
        if (local == MAGIC_LONG && extraLength == 0) {
          throw notAZip("entry " + count + " has no Zip64 field for its header's offset");
        }
        if (local != MAGIC_LONG) { // else the offset is in the Zip64 extra field: not followed
          long header = prefix + local;
          if (header > start - LOCAL_SIZE || zip.getInt((int) header) != LOCAL_SIGNATURE) {
            throw notAZip("the header of entry " + count + " is not where its central directory says");
          }
        }
        count++;
        at += headerSize;
      }
      if (countKnown && count != entries) {
        throw notAZip("its central directory has " + count + " entries, its end record says " + entries);
      }
      return count;
    }
  }

  /**
   * Whether an entry's path leaves the directory it is unpacked into: absolute, or more {@code ..} segments
   * than directories before them (the worker's unpacker refuses the same, by resolving it).
   */
  static boolean escapes(String name) {
    if (name.startsWith("/") || name.startsWith("\\")) {
      return true;
    }
    int depth = 0;
    for (String segment : name.split("[/\\\\]")) {
      if (segment.equals("..")) {
        depth--;
        if (depth < 0) {
          return true;
        }
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        depth++;
      }
    }
    return false;
  }

  private static ValidationException notAZip(String why) {
    return new ValidationException("bundle is not a zip archive: " + why);
  }

  private static int u16(ByteBuffer zip, int at) {
    return Short.toUnsignedInt(zip.getShort(at));
  }

  private static long u32(ByteBuffer zip, int at) {
    return Integer.toUnsignedLong(zip.getInt(at));
  }
}
