/**
 * The pure domain of Iris: identifiers, task and job states, the task lifecycle as a transition table,
 * retry budgets, job rollup and failure domains, the endpoint registry, the rules of what a task runs
 * (checked by controller and worker alike), and the kinds of refusal. Nothing here imports Vert.x; time
 * is always an argument.
 */
package dev.iris.core;
