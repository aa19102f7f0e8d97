import type { FabricConfig } from '../config.js';
import type { FabricMetrics } from '../metrics.js';
import { GoBackN } from './go-back-n.js';
import type { LossRecovery } from './loss-recovery.js';
import { SelectiveRepeat } from './selective.js';

export type { LossRecovery, NicServices } from './loss-recovery.js';
export { GoBackN } from './go-back-n.js';
export { SelectiveRepeat } from './selective.js';

export function createLossRecovery(config: FabricConfig, metrics: FabricMetrics): LossRecovery {
  switch (config.lossRecovery) {
    case 'go-back-n':
      return new GoBackN(metrics, config.ackEveryPackets);
    case 'selective':
      return new SelectiveRepeat(metrics, true);
    case 'ooo':
      return new SelectiveRepeat(metrics, false);
  }
}
