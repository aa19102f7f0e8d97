import { rngStream } from '../../engine/index.js';
import type { RoutingName } from '../config.js';
import { EcmpRouting } from './ecmp.js';
import type { RoutingPolicy } from './routing-policy.js';
import { SprayRouting } from './spray.js';

export type { RoutingPolicy, RoutingSwitch } from './routing-policy.js';

export function createRouting(name: RoutingName, seed: number): RoutingPolicy {
  switch (name) {
    case 'ecmp':
      return new EcmpRouting();
    case 'spray':
      return new SprayRouting(rngStream(seed, 'routing/spray'));
  }
}
