/**
 * The network laboratory for multi-host tests: simulated hosts made of Linux network namespaces on one
 * simulated switch ({@link dev.iris.e2e.netlab.NetLab}), links cut and healed at will, Iris JVMs started inside
 * hosts ({@link dev.iris.e2e.netlab.LabCluster}), and a checker that counts how many copies of each task were
 * alive at once from marks the tasks write ({@link dev.iris.e2e.netlab.CopyWatch},
 * {@link dev.iris.e2e.netlab.Copies}). How it works and how to run it: docs/DESIGN-leases.md.
 */
package dev.iris.e2e.netlab;
