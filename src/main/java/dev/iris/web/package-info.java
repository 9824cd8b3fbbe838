/**
 * What the controller's dashboard and a worker's page share on the web side: JSON route plumbing, protobuf
 * as JSON, and log queries. Knows nothing of the controller or the worker.
 */
package dev.iris.web;
