/**
 * How large a topology each model may build, checked before anything is built: a spec
 * that cannot fit in memory fails at once with one line, instead of growing for minutes.
 */

/** GPUs the packet model may build: 2^18 = 262,144 (a 100,000-GPU packet run peaked at 5.5–7.5 GiB). */
export const MAX_PACKET_GPUS = 2 ** 18;
/** GPUs any model may build: 2^20 = 1,048,576 (the flow model ran 1,000,000 GPUs in 11.3 GiB). */
export const MAX_GPUS = 2 ** 20;
/**
 * Heap the packet model's setup takes per GPU before any packet moves: 7.4 KiB, measured
 * building a 102,400-GPU rail-optimized radix-128 fabric (+743 MiB of heap).
 */
const PACKET_SETUP_KIB_PER_GPU = 7.4;

const count = (n: number) => n.toLocaleString('en-US');

/** Why `gpus` is too many for the fabrics' models, or undefined. */
export function scaleProblem(gpus: number, packetModel: boolean): string | undefined {
  if (gpus > MAX_GPUS) return `${count(gpus)} GPUs is more than any model builds (at most ${count(MAX_GPUS)})`;
  if (packetModel && gpus > MAX_PACKET_GPUS) {
    const setupGiB = (gpus * PACKET_SETUP_KIB_PER_GPU) / 2 ** 20;
    return (
      `${count(gpus)} GPUs is more than the packet model's limit of ${count(MAX_PACKET_GPUS)} ` +
      `(its setup alone would take ~${setupGiB.toFixed(1)} GiB, before any packet moves); use model: flow on every fabric`
    );
  }
  return undefined;
}
