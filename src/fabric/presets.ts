import type { FabricConfig } from './config.js';

const common = {
  flowletGapUs: 5,
  // Not published (FARE, ARN and the Mellanox application give no timings); see README "adaptive-global".
  adaptiveGlobal: { periodUs: 1, delayUs: 1, mode: 'notify', thresholdBytes: 150 * 1000 },
  // NVIDIA's Cumulus RoCE defaults (the DCQCN paper's 5 KB / 200 KB / 1% were for 40G).
  ecn: { enabled: false, kminBytes: 150 * 1000, kmaxBytes: 1500 * 1000, pmax: 1 },
  pfc: { alpha: 1 / 8, resumeOffsetBytes: 3 * 1024 },
  dcqcn: {
    cnpIntervalUs: 50,
    g: 1 / 256,
    alphaIntervalUs: 55,
    increaseIntervalUs: 55,
    byteCounterBytes: 10_000_000, // the paper's B = 10 MB, htsim's _B = 10000000
    fastRecoverySteps: 5,
    rateAiFraction: 1 / 20,
    rateHaiFraction: 1 / 10,
    minRateFraction: 1 / 1000,
  },
  // HPCC's ns-3 run.py: η 0.95 (the paper's), MI_THRESH 0 (the authors: the paper's
  // maxStage = 5 is a typo, their simulations use 0), W_AI = 10·bw/25 Mb/s, MULTI_RATE 0,
  // VAR_WIN 1; the IntHeader is 5 × 8 B hop records + a 2 B hop count.
  telemetry: { eta: 0.95, maxStage: 0, rateAiFraction: 0.0004, smoothing: 'after-max', window: 'variable', intHeaderBytes: 42 },
  mtuBytes: 4096,
  headerBytes: 82,
  controlBytes: 84,
  bufferBytesPerPort: 1024 * 1024,
  rtoUs: 320,
  ackEveryPackets: 1,
} as const;

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
