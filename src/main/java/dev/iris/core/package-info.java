/**
 * The pure domain of Iris: identifiers, task and job states, the task lifecycle as a transition table,
 * retry budgets, job rollup and failure domains, the endpoint registry, and the kinds of refusal.
 * Nothing here imports Vert.x; time is always an argument.
 */
package dev.iris.core;
