/**
 * Pure parsers for command-line values: sizes, durations, {@code K=V} pairs, attribute constraints,
 * port ranges and job state names ({@code host:port} addresses are read by {@link dev.iris.common.HostPort}). No picocli, no I/O; each parser throws
 * {@link dev.iris.cli.parse.InvalidValueException} with a message that names the rejected value.
 */
package dev.iris.cli.parse;
