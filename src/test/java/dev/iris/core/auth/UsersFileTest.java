package dev.iris.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.core.ValidationException;
import org.junit.jupiter.api.Test;

class UsersFileTest {
  @Test
  void readsNameRoleTokenLinesSkippingCommentsAndBlanks() {
    var entries = UsersFile.parse("""
        # the team
        alice  user    alice-token-0123456789

        vera viewer viewer-token-0123456789
        w1 worker worker-token-0123456789
        root admin another-admin-0123456789
        """);
    assertThat(entries).extracting(TokenBook.Grant::caller).containsExactly(Caller.of("alice", Role.USER),
        Caller.of("vera", Role.VIEWER), Caller.of("w1", Role.WORKER), Caller.of("root", Role.ADMIN));
  }

  @Test
  void errorsNameTheLineButNeverTheToken() {
    assertThatThrownBy(() -> UsersFile.parse("alice user\n")).isInstanceOf(ValidationException.class)
        .hasMessage("line 1: expected NAME ROLE TOKEN, got 2 fields");
    assertThatThrownBy(() -> UsersFile.parse("\nalice boss alice-token-0123456789\n"))
        .hasMessage("line 2: role must be admin, user, viewer or worker, got 'boss'")
        .hasMessageNotContaining("alice-token");
    assertThatThrownBy(() -> UsersFile.parse("alice task alice-token-0123456789")).hasMessageContaining("role must be");
    assertThatThrownBy(() -> UsersFile.parse("alice user short")).hasMessageStartingWith("line 1: a token is at least")
        .hasMessageNotContaining("short");
    assertThatThrownBy(() -> UsersFile.parse("-alice user alice-token-0123456789"))
        .hasMessageStartingWith("line 1: a user name");
  }
}
