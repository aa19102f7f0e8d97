import { CONGESTION_CONTROLS } from './cc/index.js';
import { FLOW_CONTROLS } from './flow-control/index.js';
import { defaultsOf, namesOf, overridesOf, type ParamPrimitives } from './mechanism.js';
import { ROUTINGS } from './routing/index.js';
import { LOSS_RECOVERIES } from './transport/index.js';

/**
 * The mechanism registry: one list per kind, each the modules a spec may name. The config
 * types (config.ts), the schema's enums and override fields (experiment/fabric-schema.ts)
 * and the presets' defaults (presets.ts) all derive from these lists.
 */
export const MECHANISMS = {
  routing: ROUTINGS,
  flowControl: FLOW_CONTROLS,
  cc: CONGESTION_CONTROLS,
  lossRecovery: LOSS_RECOVERIES,
} as const;

/** The names of each kind, in list order (the schema's enums). */
export const MECHANISM_NAMES = {
  routing: namesOf(ROUTINGS),
  flowControl: namesOf(FLOW_CONTROLS),
  cc: namesOf(CONGESTION_CONTROLS),
  lossRecovery: namesOf(LOSS_RECOVERIES),
};

/** The zod override schema of every config field a mechanism of the kind owns (e.g. `dcqcn`, `flowletGapUs`), made of the spec schema's checked values. */
export const mechanismOverrides = (p: ParamPrimitives) => ({
  routing: overridesOf(ROUTINGS, p),
  flowControl: overridesOf(FLOW_CONTROLS, p),
  cc: overridesOf(CONGESTION_CONTROLS, p),
  lossRecovery: overridesOf(LOSS_RECOVERIES, p),
});

/** The default of every config field a mechanism of the kind owns. */
export const MECHANISM_DEFAULTS = {
  routing: defaultsOf(ROUTINGS),
  flowControl: defaultsOf(FLOW_CONTROLS),
  cc: defaultsOf(CONGESTION_CONTROLS),
  lossRecovery: defaultsOf(LOSS_RECOVERIES),
};
