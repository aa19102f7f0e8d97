import type { FabricConfig } from '../config.js';
import { lookup } from '../mechanism.js';
import type { Simulator } from '../../engine/index.js';
import type { TopologyShape } from '../topology/shape.js';
import { adaptive } from './adaptive.js';
import { adaptiveGlobal } from './adaptive-global.js';
import { ecmp } from './ecmp.js';
import { flowlet } from './flowlet.js';
import type { RoutingPolicy } from './routing-policy.js';
import { spray } from './spray.js';
import { minimal } from './minimal.js';
import { ugal } from './ugal.js';
import { valiant } from './valiant.js';

export type { RoutingPolicy, RoutingSwitch } from './routing-policy.js';

/** Every routing module; a spec names one. Its order is the order errors list the names in. */
export const ROUTINGS = [ecmp, spray, adaptive, flowlet, adaptiveGlobal, minimal, valiant, ugal] as const;

/** The routing module a config names. */
export const routingOf = (config: Pick<FabricConfig, 'routing'>) => lookup<(typeof ROUTINGS)[number]>(ROUTINGS, config.routing, 'routing');

export function createRouting(config: FabricConfig, sim: Simulator, seed: number, shape?: TopologyShape): RoutingPolicy {
  return routingOf(config).create({ config, sim, seed, shape });
}
