/**
 * The controller's web dashboard: static pages from {@code webroot}, a JSON read API over the state
 * store, a kill action, task logs fetched from the task's worker, and a WebSocket feed of committed events.
 */
package dev.iris.dashboard;
