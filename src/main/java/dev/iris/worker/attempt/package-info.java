/**
 * The pure core of the worker: one attempt's lifecycle as a transition table ({@link
 * dev.iris.worker.attempt.AttemptLifecycle}) from an immutable {@link dev.iris.worker.attempt.AttemptState}
 * and an {@link dev.iris.worker.attempt.AttemptEvent} to the next state and the {@link
 * dev.iris.worker.attempt.AttemptEffect}s the worker carries out. No Vert.x, no protobuf, no clock.
 */
package dev.iris.worker.attempt;
