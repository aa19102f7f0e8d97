/**
 * NCCL's protocols and its tuning model's constants (src/graph/tuning.cc, the default tuner
 * constants; src/include/device.h for the line formats).
 *
 * - Simple: data in place, full bandwidth, a memory fence and flag per step (highest latency).
 * - LL: 8-byte lines of 4 B data + 4 B flag: half the bandwidth, lowest latency.
 * - LL128: 128-byte lines of 120 B data + 8 B flag.
 */
export type Protocol = 'simple' | 'll128' | 'll';
export const PROTOCOLS: readonly Protocol[] = ['ll', 'll128', 'simple'];

/** Bytes on the wire per byte of data. */
export const WIRE_FACTOR: Record<Protocol, number> = { simple: 1, ll128: 128 / 120, ll: 2 };

type PerProtocol = Record<Protocol, number>;
const p = (ll: number, ll128: number, simple: number): PerProtocol => ({ ll, ll128, simple });

/** tuning.cc baseLatencies (µs): a collective's fixed launch cost. */
export const BASE_LATENCY_US: Record<'tree' | 'ring', PerProtocol> = { tree: p(6.8, 14.0, 8.4), ring: p(6.6, 14.0, 8.4) };

/** tuning.cc hwLatencies (µs) per step: over NVLink and over the network. */
export const HW_LATENCY_US: Record<'nvlink' | 'net', Record<'tree' | 'ring', PerProtocol>> = {
  nvlink: { tree: p(0.6, 1.25, 4.0), ring: p(0.6, 1.9, 3.4) },
  net: { tree: p(5.0, 8.5, 14), ring: p(2.7, 4.0, 14.0) },
};

/** The per-step latency a message of `algorithm` over `protocol` pays, NVLink or network hop. */
export function stepLatencyUs(algorithm: 'tree' | 'ring', protocol: Protocol, overNvlink: boolean): number {
  return HW_LATENCY_US[overNvlink ? 'nvlink' : 'net'][algorithm][protocol];
}
