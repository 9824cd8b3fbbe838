package dev.iris.cli;

import dev.iris.common.ProtoStates;
import dev.iris.rpc.JobStatus;

/**
 * Log lines to stdout, notices on stderr, and on a terminal one live line of task counts on stderr, redrawn in
 * place.
 */
final class RunProgress {
  private final CliOutput o;
  private String shown = "";

  RunProgress(CliOutput o) {
    this.o = o;
  }

  synchronized void line(String text) {
    clear();
    o.out().println(text);
    o.out().flush();
    if (!shown.isEmpty()) {
      o.err().print(shown);
      o.err().flush();
    }
  }

  /** A line on stderr (a notice about the connection), the live line redrawn below it. */
  synchronized void note(String text) {
    clear();
    o.err().println(text);
    o.err().flush();
    if (!shown.isEmpty()) {
      o.err().print(shown);
      o.err().flush();
    }
  }

  synchronized void update(JobStatus s) {
    String text = "\r[" + s.getJobId() + " " + ProtoStates.shortName(s.getState()) + ": " + ClientFormat.counts(s)
        + "]";
    clear();
    shown = text;
    o.err().print(text);
    o.err().flush();
  }

  synchronized void clear() {
    if (!shown.isEmpty()) {
      o.err().print("\r" + " ".repeat(shown.length()) + "\r");
      o.err().flush();
    }
  }
}
