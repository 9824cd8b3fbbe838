/**
 * The {@code iris} command line: the picocli command tree ({@link dev.iris.cli.IrisCommand}), the entry
 * point ({@link dev.iris.cli.Main}) and the seam to the machinery behind the commands
 * ({@link dev.iris.cli.CliBackend}). Commands only parse and validate; each builds one request record
 * from {@link dev.iris.cli.request} and hands it to the backend.
 */
package dev.iris.cli;
