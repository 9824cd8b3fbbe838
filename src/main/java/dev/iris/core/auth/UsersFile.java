package dev.iris.core.auth;

import dev.iris.core.ValidationException;
import java.util.ArrayList;
import java.util.List;

/**
 * The text of a users file ({@code iris controller --users-file F}): one user per line, {@code NAME ROLE
 * TOKEN}, separated by spaces; ROLE is admin, user, viewer or worker; blank lines and lines starting with
 * {@code #} are skipped. A name may have several tokens (to rotate one). Errors name the line, never a token.
 */
public final class UsersFile {
  private UsersFile() {}

  public static List<TokenBook.Grant> parse(String text) {
    List<TokenBook.Grant> entries = new ArrayList<>();
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      int n = i + 1;
      if (f.length != 3) {
        throw new ValidationException("line " + n + ": expected NAME ROLE TOKEN, got " + f.length + " fields");
      }
      Role role = Role.granted(f[1]).orElseThrow(() -> new ValidationException("line " + n + ": role must be admin, "
          + "user, viewer or worker, got " + dev.iris.core.Quoted.of(f[1])));
      try {
        entries.add(new TokenBook.Grant(f[2], Caller.of(f[0], role)));
      } catch (ValidationException e) {
        throw new ValidationException("line " + n + ": " + e.getMessage());
      }
    }
    return entries;
  }
}
