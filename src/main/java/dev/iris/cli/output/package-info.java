/**
 * Pure output helpers for the command line: a plain-text {@link dev.iris.cli.output.Table} and human
 * formatting of durations and relative times ({@link dev.iris.cli.output.HumanFormat}).
 */
package dev.iris.cli.output;
