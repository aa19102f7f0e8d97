import { loadSpec, SpecError } from '../experiment/index.js';
import { exportTopology } from '../experiment/export-topology.js';
import { shapeOf } from '../fabric/index.js';
import { fail, writeFileWhole } from './fail.js';

export const EXPORT_TOPOLOGY_USAGE = `fabsim export-topology SPEC [--out FILE.yaml]

  writes the spec's topology in fabsim's graph format (to stdout without --out), so it can
  be edited and run as { kind: file, path: FILE.yaml }`;

/** `fabsim export-topology`: the spec's topology as a graph file. */
export function exportTopologyCommand(specPath: string, options: { out?: string }): void {
  let text: string;
  try {
    const spec = loadSpec(specPath);
    text = exportTopology(shapeOf(spec.topology), `${spec.name}: ${spec.topology.kind}`);
  } catch (error) {
    if (error instanceof SpecError) fail(error.message);
    throw error;
  }
  if (options.out === undefined) process.stdout.write(text);
  else writeFileWhole(options.out, text);
}
