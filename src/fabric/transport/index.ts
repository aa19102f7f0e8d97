import type { FabricConfig } from '../config.js';
import { lookup } from '../mechanism.js';
import type { FabricMetrics } from '../metrics.js';
import { goBackN } from './go-back-n.js';
import type { LossRecovery } from './loss-recovery.js';
import { ooo } from './ooo.js';
import { selective } from './selective.js';

export type { LossRecovery, NicServices } from './loss-recovery.js';
export { GoBackN } from './go-back-n.js';
export { SelectiveRepeat } from './selective.js';

/** Every loss-recovery module; a spec names one. Its order is the order errors list the names in. */
export const LOSS_RECOVERIES = [goBackN, selective, ooo] as const;

/** The loss-recovery module a config names. */
export const lossRecoveryOf = (config: Pick<FabricConfig, 'lossRecovery'>) =>
  lookup<(typeof LOSS_RECOVERIES)[number]>(LOSS_RECOVERIES, config.lossRecovery, 'loss recovery');

export function createLossRecovery(config: FabricConfig, metrics: FabricMetrics): LossRecovery {
  return lossRecoveryOf(config).create({ config, metrics });
}
