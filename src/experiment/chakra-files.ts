import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { buildRankGraph, ChakraTraceError, decodeTrace, matchTraces, type ChakraTrace, type RankGraph } from '../workloads/index.js';
import { readUserBytes } from './read-user-file.js';
import { SpecError } from './spec-error.js';

/** Largest trace file read per rank: 64 MiB (as a connection matrix). */
export const MAX_CHAKRA_FILE_BYTES = 64 * 2 ** 20;
/** Most rank files looked for when `ranks` is not given. */
const MAX_CHAKRA_RANKS = 2 ** 18;

export interface ChakraFiles {
  files: string;
  ranks?: number;
  groups?: Record<string, number[]>;
}

/** The file of one rank: the pattern with {rank} replaced. */
export const chakraFileOf = (pattern: string, rank: number): string => pattern.replaceAll('{rank}', String(rank));

/** How many rank files exist from rank 0 on, without a gap (at least 1: rank 0's absence is read, to name it). */
function countRankFiles(pattern: string, baseDir: string | undefined): number {
  let n = 0;
  while (n < MAX_CHAKRA_RANKS && existsSync(resolve(baseDir ?? '.', chakraFileOf(pattern, n)))) n++;
  return Math.max(1, n);
}

/**
 * Reads, decodes and checks every rank's trace (read-user-file.ts's rules apply to each
 * file); any problem is a one-line SpecError naming the field, the file and the node.
 */
export function readChakraTraces(w: ChakraFiles, field = 'workload.files', baseDir?: string): ChakraTrace {
  const ranks = w.ranks ?? countRankFiles(w.files, baseDir);
  const graphs: RankGraph[] = [];
  for (let rank = 0; rank < ranks; rank++) {
    const file = chakraFileOf(w.files, rank);
    const bytes = readUserBytes(file, { field, baseDir, maxBytes: MAX_CHAKRA_FILE_BYTES });
    try {
      graphs.push(buildRankGraph(decodeTrace(bytes), rank));
    } catch (error) {
      if (error instanceof ChakraTraceError) throw new SpecError(`${field}: ${file}: ${error.message}`);
      throw error;
    }
  }
  try {
    return matchTraces(graphs, w.groups ?? {});
  } catch (error) {
    if (!(error instanceof ChakraTraceError)) throw error;
    throw new SpecError(`${field}: ${error.rank === undefined ? '' : `${chakraFileOf(w.files, error.rank)}: `}${error.message}`);
  }
}

const isRankList = (v: unknown): v is number[] => Array.isArray(v) && v.every((r) => Number.isSafeInteger(r) && r >= 0);

/**
 * Resolves every `{ kind: chakra, files }` of a spec document against the spec's folder and
 * reads the traces once, so a bad trace fails before anything runs. The spec keeps the
 * resolved pattern and the rank count; the workload reads the files again per fabric. Fields the schema will
 * refuse are left to it.
 */
export function resolveChakraFiles(document: Record<string, unknown>, specPath: string): void {
  const list = Array.isArray(document.workload);
  const workloads = list ? (document.workload as unknown[]) : [document.workload];
  workloads.forEach((w, i) => {
    const workload = w as { kind?: unknown; files?: unknown; ranks?: unknown; groups?: unknown } | null | undefined;
    if (workload?.kind !== 'chakra' || typeof workload.files !== 'string' || !workload.files.includes('{rank}')) return;
    const { ranks, groups } = workload;
    if (ranks !== undefined && !(Number.isSafeInteger(ranks) && (ranks as number) >= 1)) return;
    if (groups !== undefined && (groups === null || typeof groups !== 'object' || !Object.values(groups).every(isRankList))) return;
    const field = `workload${list ? `.${i}` : ''}.files`;
    const trace = readChakraTraces({ files: workload.files, ranks: ranks as number | undefined, groups: groups as Record<string, number[]> | undefined }, field, dirname(specPath));
    workload.files = resolve(dirname(specPath), workload.files);
    // The rank count found, so the schema checks it against the topology before anything runs.
    workload.ranks = trace.graphs.length;
  });
}
