export { FlowNetwork, type FlowModelStats, type FlowTopology } from './flow-network.js';
export { FluidFlow } from './fluid-flow.js';
export { flowLayoutOf, type FlowLayout } from './layout.js';
export { LinkGraph } from './link-graph.js';
export { MaxMinSolver, type SolverFlow, type SolverStats } from './max-min.js';
export { routeOf, type FlowPath } from './paths.js';
export { flowModelSimulatesFailures } from './flow-failures.js';
export { FlowEventQueue } from './flow-event-queue.js';
