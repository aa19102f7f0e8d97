import { psFromUs, rngStream, type Simulator } from '../../engine/index.js';
import type { FabricConfig } from '../config.js';
import { AdaptiveRouting } from './adaptive.js';
import { AdaptiveGlobalRouting } from './adaptive-global.js';
import { EcmpRouting } from './ecmp.js';
import { FlowletRouting } from './flowlet.js';
import type { RoutingPolicy } from './routing-policy.js';
import { SprayRouting } from './spray.js';

export type { RoutingPolicy, RoutingSwitch } from './routing-policy.js';

export function createRouting(config: FabricConfig, sim: Simulator, seed: number): RoutingPolicy {
  switch (config.routing) {
    case 'ecmp':
      return new EcmpRouting();
    case 'spray':
      return new SprayRouting(rngStream(seed, 'routing/spray'));
    case 'adaptive':
      return new AdaptiveRouting(rngStream(seed, 'routing/adaptive'));
    case 'adaptive-global':
      return new AdaptiveGlobalRouting(
        sim,
        psFromUs(config.adaptiveGlobal.periodUs),
        psFromUs(config.adaptiveGlobal.delayUs),
        rngStream(seed, 'routing/adaptive-global'),
        config.adaptiveGlobal.mode === 'notify' ? config.adaptiveGlobal.thresholdBytes : undefined,
      );
    case 'flowlet':
      return new FlowletRouting(sim, psFromUs(config.flowletGapUs), rngStream(seed, 'routing/flowlet'));
  }
}
