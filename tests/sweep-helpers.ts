import { runExperiment, validateSpec, type SweepResult } from '../src/experiment/index.js';

/** What `fabsim sweep` gives for `workload.bytes` over `sizes` on a one-workload spec document: each point run here. */
export function bytesSweep(doc: { name: string; workload: Record<string, unknown> } & Record<string, unknown>, sizes: number[]): SweepResult {
  const points = sizes.map((bytes, index) => ({ index, value: bytes, result: runExperiment(validateSpec({ ...doc, workload: { ...doc.workload, bytes } })) }));
  return { experiment: doc.name, field: 'workload.bytes', values: sizes, points };
}
