import type { FabricConfig } from './config.js';

const common = {
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
    name: 'ethernet',
    routing: 'ecmp',
    flowControl: 'none',
    lossRecovery: 'go-back-n',
    cc: 'none',
    ...common,
  },
};

export const PRESET_NAMES = Object.keys(PRESETS);
