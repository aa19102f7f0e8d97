import { defineLossRecovery } from './loss-recovery.js';
import { SelectiveRepeat } from './selective.js';

/** Out-of-order placement (a SuperNIC under a lossless, adaptively routed fabric): selective repeat where a gap is reordering, never loss; only a timeout resends. */
export const ooo = defineLossRecovery({
  name: 'ooo',
  overrides: () => ({}),
  defaults: {},
  create: ({ metrics }) => new SelectiveRepeat(metrics, false),
});
