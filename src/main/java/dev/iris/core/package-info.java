/**
 * The pure domain of Iris: identifiers, task and job states, the task lifecycle as a transition table,
 * retry budgets, job rollup and failure domains, the endpoint registry, the rules of what a task runs
 * (checked by controller and worker alike) and of its bundle's format, bounded text, and the kinds of refusal
 * with how they quote the values they refuse ({@link dev.iris.core.Quoted}). Nothing here imports Vert.x; time
 * is always an argument.
 */
package dev.iris.core;
