package dev.iris.worker.logs;

/**
 * One stored line of task output.
 *
 * @param lineNumber absolute line number within the attempt, from 0; never reused, even after old lines
 *     were dropped
 * @param timestampMs when the worker received the line, in epoch milliseconds
 * @param source where it came from: {@code stdout}, {@code stderr}, {@code build}, ...
 * @param data the line's text without terminator
 */
public record LogLine(long lineNumber, long timestampMs, String source, String data) {}
