/**
 * Who may do what, as plain values: {@link dev.iris.core.auth.Caller} (a user, a worker, or a task acting for
 * its job), the {@link dev.iris.core.auth.TokenBook} that turns a bearer token into a caller in constant time,
 * and {@link dev.iris.core.auth.Access}, the one table of permissions every front end (gRPC, HTTP, the
 * dashboard) checks. Pure: no I/O, no Vert.x, no clock.
 */
package dev.iris.core.auth;
