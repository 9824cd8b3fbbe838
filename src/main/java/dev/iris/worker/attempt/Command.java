package dev.iris.worker.attempt;

/** The two commands an attempt may run, each as a process tree of its own. */
public enum Command {
  /** The optional setup command, the last step of BUILDING; its output is logged under source {@code build}. */
  SETUP,
  /** The task's command: the attempt is RUNNING while it runs. */
  MAIN
}
