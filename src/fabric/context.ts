import type { Rng, Simulator } from '../engine/index.js';
import type { CongestionControl } from './cc/congestion-control.js';
import type { FabricConfig } from './config.js';
import type { FabricMetrics } from './metrics.js';
import type { FabricNeeds } from './needs.js';
import type { PacketPool, TelemetrySlab } from './packet.js';
import type { PortClocks } from './port-clocks.js';
import type { LossRecovery } from './transport/loss-recovery.js';
import type { CriticalPath } from './attribution/critical-path.js';

/** What every NIC and switch of one simulated fabric shares. */
export interface FabricContext {
  readonly sim: Simulator;
  readonly config: FabricConfig;
  readonly metrics: FabricMetrics;
  readonly pool: PacketPool;
  readonly recovery: LossRecovery;
  readonly cc: CongestionControl;
  /** Draws for RED marking decisions. */
  readonly ecnRng: Rng;
  /** What the chosen mechanisms need from switches and NICs (e.g. telemetry stamping), read once at build time. */
  readonly needs: FabricNeeds;
  /** This fabric's telemetry records (a packet keeps its record across reuse from the pool). */
  readonly telemetrySlab: TelemetrySlab;
  /** Every port's transmission times, in one array (see PortClocks). */
  readonly portClocks: PortClocks;
  /** Set when the run asks where the time goes: NICs log sends, ports stamp hops, deliveries record their breakdown here. */
  readonly attribution?: CriticalPath;
}
