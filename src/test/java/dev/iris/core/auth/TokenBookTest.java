package dev.iris.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.iris.core.JobId;
import dev.iris.core.ValidationException;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

class TokenBookTest {
  private static final String ADMIN = "admin-token-0123456789abcdef";
  private static final String ALICE = "alice-token-0123456789abcdef";
  private final TokenBook book = new TokenBook(ADMIN, List.of(
      new TokenBook.Grant(ALICE, Caller.of("alice", Role.USER)),
      new TokenBook.Grant("viewer-token-0123456789", Caller.of("vera", Role.VIEWER)),
      new TokenBook.Grant("worker-token-0123456789", Caller.of("w1", Role.WORKER))));

  @Test
  void eachTokenIsItsCaller() {
    assertThat(book.authenticate(ADMIN)).contains(Caller.admin());
    assertThat(book.authenticate(ALICE)).contains(Caller.of("alice", Role.USER));
    assertThat(book.authenticate("viewer-token-0123456789")).contains(Caller.of("vera", Role.VIEWER));
    assertThat(book.authenticate("worker-token-0123456789")).contains(Caller.of("w1", Role.WORKER));
  }

  @Test
  void anythingElseIsNoOne() {
    assertThat(book.authenticate(null)).isEmpty();
    assertThat(book.authenticate("")).isEmpty();
    assertThat(book.authenticate(ADMIN + "x")).isEmpty();
    assertThat(book.authenticate(ADMIN.substring(1))).isEmpty();
    assertThat(book.authenticate("iris-task.garbage")).isEmpty();
    assertThat(book.authenticate("iris-task.a.b.c")).isEmpty();
  }

  @Test
  void aTaskTokenNamesItsJobAndOwnerAndNeedsTheAdminToken() {
    JobId job = JobId.root("train").child("eval");
    String token = book.taskToken(job, "alice");
    assertThat(book.authenticate(token)).contains(Caller.task(job, "alice"));
    TokenBook other = new TokenBook("another-admin-token-0123456789", List.of());
    assertThat(other.authenticate(token)).as("minted by another cluster").isEmpty();
    assertThat(token).doesNotContain(ADMIN);
  }

  @Test
  void aTamperedTaskTokenIsRefused() {
    String token = book.taskToken(JobId.root("alice-job"), "alice");
    String forged = token.replace(java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("alice-job".getBytes()), java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString("bob-job".getBytes()));
    assertThat(forged).isNotEqualTo(token);
    assertThat(book.authenticate(forged)).isEmpty();
  }

  @Property(tries = 200)
  void noRandomStringAuthenticates(@ForAll @StringLength(max = 200) String guess) {
    assertThat(book.authenticate(guess)).isEmpty();
    assertThat(book.authenticate("iris-task." + guess)).isEmpty();
  }

  @Test
  void weakOrRepeatedTokensAreRefused() {
    assertThatThrownBy(() -> new TokenBook("short", List.of())).isInstanceOf(ValidationException.class);
    assertThatThrownBy(() -> new TokenBook(ADMIN, List.of(new TokenBook.Grant(ADMIN, Caller.of("x", Role.USER)))))
        .isInstanceOf(ValidationException.class).hasMessageContaining("listed twice");
    assertThatThrownBy(() -> new TokenBook.Grant("has a space in it 0123", Caller.of("x", Role.USER)))
        .isInstanceOf(ValidationException.class);
  }
}
