import type { Simulator } from '../engine/index.js';
import type { FabricConfig } from './config.js';
import type { FabricModel, FabricModelName } from './fabric-model.js';
import { FlowNetwork } from './flow-model/flow-network.js';
import { Network } from './network.js';
import type { TopologySpec } from './topology/index.js';
import type { RunNeeds } from './needs.js';

/** A fabric simulated by the model named: packets through queues, or max-min fair fluid flows. */
export function createFabricModel(
  model: FabricModelName,
  sim: Simulator,
  topology: TopologySpec,
  config: FabricConfig,
  seed: number,
  run: RunNeeds = {},
): FabricModel {
  return model === 'flow' ? new FlowNetwork(sim, topology, config, seed, run) : new Network(sim, topology, config, seed, run);
}
