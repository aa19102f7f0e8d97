import type { FabricConfig } from './config.js';
import { MECHANISM_DEFAULTS } from './mechanisms.js';

/** The fields every preset shares; each mechanism's parameter defaults come from its module. */
const common = {
  ...MECHANISM_DEFAULTS.routing,
  // NVIDIA's Cumulus RoCE defaults (the DCQCN paper's 5 KB / 200 KB / 1% were for 40G).
  ecn: { enabled: false, kminBytes: 150 * 1000, kmaxBytes: 1500 * 1000, pmax: 1 },
  ...MECHANISM_DEFAULTS.flowControl,
  ...MECHANISM_DEFAULTS.cc,
  ...MECHANISM_DEFAULTS.lossRecovery,
  mtuBytes: 4096,
  headerBytes: 82,
  controlBytes: 84,
  bufferBytesPerPort: 1024 * 1024,
  rtoUs: 320,
  ackEveryPackets: 1,
  nicOverheadNs: 0,
};

/** Presets are data: bundles of mechanism choices. Every field can be overridden in a spec. */
export const PRESETS: Record<string, FabricConfig> = {
  /** Standard lossy Ethernet: per-flow ECMP, drop-tail, go-back-N NIC, no flow or congestion control. */
  ethernet: {
    ...common,
    name: 'ethernet',
    routing: 'ecmp',
    flowControl: 'none',
    lossRecovery: 'go-back-n',
    cc: 'none',
  },
  /** Traditional lossless RoCEv2: per-flow ECMP, PFC, ECN marking + DCQCN, go-back-N NIC. */
  roce: {
    ...common,
    name: 'roce',
    routing: 'ecmp',
    flowControl: 'pfc',
    lossRecovery: 'go-back-n',
    cc: 'dcqcn',
    ecn: { ...common.ecn, enabled: true },
    // A RoCE NIC has no congestion window: DCQCN paces the rate, and the PSN space (2^23 packets) is the only bound.
    windowBytes: 2 ** 23 * 4096,
  },
  /** Spectrum-X-style: per-packet adaptive routing, PFC as a backstop, telemetry CC, out-of-order placement NIC. */
  'spectrum-x': {
    ...common,
    name: 'spectrum-x',
    routing: 'adaptive',
    flowControl: 'pfc',
    lossRecovery: 'ooo',
    cc: 'telemetry',
    ecn: { ...common.ecn, enabled: true },
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);
