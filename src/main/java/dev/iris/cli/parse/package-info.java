/**
 * Pure parsers for command-line values: sizes, durations, {@code K=V} pairs, attribute constraints,
 * {@code host:port} addresses and job state names. No picocli, no I/O; each parser throws
 * {@link dev.iris.cli.parse.InvalidValueException} with a message that names the rejected value.
 */
package dev.iris.cli.parse;
