import { exportMatrix, loadSpec, SpecError } from '../experiment/index.js';
import { formatConnectionMatrix } from '../workloads/index.js';
import { checkFlowsFile, fail, parseSeed, writeFileWhole } from './fail.js';

export const EXPORT_MATRIX_USAGE = `fabsim export-matrix SPEC --out FILE.cm [--seed N]

  writes the spec's (first) workload — permutation, incast or alltoall — as an htsim
  connection matrix, so the same traffic runs in both simulators
  ({ kind: matrix, file: FILE.cm } runs it in fabsim)`;

/** `fabsim export-matrix`: the spec's workload as an htsim .cm file. */
export function exportMatrixCommand(specPath: string, options: { out?: string; seed?: string }): void {
  const seed = parseSeed(options.seed);
  if (options.out === undefined) fail('export-matrix: --out FILE.cm is required');
  checkFlowsFile(options.out, '--out');
  let text: string;
  try {
    let spec = loadSpec(specPath);
    if (seed !== undefined) spec = { ...spec, seed };
    const matrix = exportMatrix(spec);
    text = formatConnectionMatrix(matrix);
    process.stderr.write(`fabsim: ${options.out}: ${matrix.connections.length} connections on ${matrix.nodes} nodes\n`);
  } catch (error) {
    if (error instanceof SpecError) fail(error.message);
    throw error;
  }
  writeFileWhole(options.out, text);
}
