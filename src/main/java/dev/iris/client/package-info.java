/**
 * The Java client of Iris: submit jobs, follow them, read their tasks and logs, publish endpoints. Its
 * methods block the calling thread, so call them from your own threads, never from a Vert.x event loop.
 */
package dev.iris.client;
