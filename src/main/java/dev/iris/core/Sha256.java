package dev.iris.core;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * SHA-256 digests as Iris writes them everywhere (bundle hashes, shortened directory names): 64 lowercase
 * hex digits.
 */
public final class Sha256 {
  /** How many hex digits a digest has. */
  public static final int HEX_LENGTH = 64;
  private static final Pattern HEX = Pattern.compile("[0-9a-f]{" + HEX_LENGTH + "}");

  private Sha256() {}

  /** The digest of {@code bytes} in lowercase hex. */
  public static String hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }

  /** True when {@code text} is a digest as {@link #hex} writes it: 64 lowercase hex digits. */
  public static boolean isHex(String text) {
    return text != null && HEX.matcher(text).matches();
  }
}
