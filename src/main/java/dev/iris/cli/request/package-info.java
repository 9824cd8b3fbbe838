/**
 * Validated requests the command line hands to a {@link dev.iris.cli.CliBackend}: one immutable record
 * per action. Every value in them has been checked by the command that built it (ranges, syntax,
 * existence of directories), so a backend only maps them onto the client, controller or worker.
 */
package dev.iris.cli.request;
