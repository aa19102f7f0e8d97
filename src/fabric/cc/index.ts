import type { Simulator } from '../../engine/index.js';
import type { FabricConfig } from '../config.js';
import type { TelemetrySlab } from '../packet.js';
import { lookup } from '../mechanism.js';
import type { CongestionControl } from './congestion-control.js';
import { dcqcn } from './dcqcn.js';
import { none } from './none.js';
import { telemetry } from './telemetry.js';

export type { CcServices, CongestionControl } from './congestion-control.js';
export { Dcqcn } from './dcqcn.js';
export { TelemetryCc } from './telemetry.js';

/** Every congestion-control module; a spec names one. Its order is the order errors list the names in. */
export const CONGESTION_CONTROLS = [none, dcqcn, telemetry] as const;

/** The congestion-control module a config names. */
export const congestionControlOf = (config: Pick<FabricConfig, 'cc'>) =>
  lookup<(typeof CONGESTION_CONTROLS)[number]>(CONGESTION_CONTROLS, config.cc, 'congestion control');

export function createCongestionControl(config: FabricConfig, sim: Simulator, telemetrySlab: TelemetrySlab): CongestionControl {
  return congestionControlOf(config).create({ config, sim, telemetrySlab });
}
