package dev.iris.cli.request;

/** How a command prints its result: a readable table, or JSON for scripts ({@code --json}). */
public enum OutputFormat {
  TABLE,
  JSON;

  /** {@link #JSON} when {@code json} is set, else {@link #TABLE}. */
  public static OutputFormat of(boolean json) {
    return json ? JSON : TABLE;
  }
}
