import type { Simulator } from '../../engine/index.js';
import type { FabricConfig } from '../config.js';
import { NoCongestionControl, type CongestionControl } from './congestion-control.js';
import { Dcqcn } from './dcqcn.js';
import { TelemetryCc } from './telemetry.js';

export type { CcServices, CongestionControl } from './congestion-control.js';
export { Dcqcn } from './dcqcn.js';
export { TelemetryCc } from './telemetry.js';

export function createCongestionControl(config: FabricConfig, sim: Simulator): CongestionControl {
  switch (config.cc) {
    case 'none':
      return new NoCongestionControl();
    case 'dcqcn':
      return new Dcqcn(sim, config.dcqcn);
    case 'telemetry':
      return new TelemetryCc(sim, config.telemetry);
  }
}
