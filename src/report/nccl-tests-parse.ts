import { excerpt } from '../experiment/read-user-file.js';
import { SpecError } from '../experiment/spec-error.js';

/**
 * Reads an nccl-tests table back: what NVIDIA/nccl-tests' *_perf binaries print (src/common.cu)
 * and what `fabsim --format nccl-tests` writes (report/nccl-tests.ts). A row is
 *
 *   size count type redop [root] (time algbw busbw #wrong) × 2     (out-of-place, in-place)
 *
 * `root` came with nccl-tests 2.10; older versions print 12 columns and an `error` float in
 * place of `#wrong`. A run with `-c 0` prints N/A there. Lines starting with `#` (the
 * settings, devices, headers, "# Avg bus bandwidth") and NCCL's own debug lines (NCCL_DEBUG)
 * are skipped; any other line is an error naming its line number.
 */

export interface NcclTestsRow {
  sizeBytes: number;
  /** Out-of-place time (µs): what calibrate fits. */
  timeUs: number;
  /** In-place time (µs), when the row has one. */
  inPlaceTimeUs?: number;
  /** 1-based line in the file. */
  line: number;
}

export interface NcclTestsTable {
  rows: NcclTestsRow[];
  /** Data type and reduction of the rows (e.g. float, sum). */
  type: string;
  redop: string;
  /** Ranks listed in "#  Rank  N ..." device lines, when the file has them. */
  ranks?: number;
}

/** NCCL_DEBUG lines interleaved by mpirun: "host:pid:tid [dev] NCCL INFO ...", and bare "NCCL INFO/WARN". */
const NCCL_DEBUG_LINE = /(^\S+:\d+:\d+ \[\d+\] )|\bNCCL (INFO|WARN|TRACE|version)\b/;
const RANK_LINE = /^#\s+Rank\s+(\d+)\s/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const parseError = (path: string, line: number, message: string) => new SpecError(`${path}:${line}: ${message}`);

function integerAt(token: string, what: string, path: string, line: number): number {
  const n = /^\d+$/.test(token) ? Number(token) : NaN;
  if (!Number.isSafeInteger(n)) throw parseError(path, line, `${what}: expected a whole number, got ${excerpt(token)}`);
  return n;
}

function timeAt(token: string, what: string, path: string, line: number): number {
  const n = NUMBER.test(token) ? Number(token) : NaN;
  if (!(n > 0) || !Number.isFinite(n)) throw parseError(path, line, `${what}: expected a time in µs above 0, got ${excerpt(token)}`);
  return n;
}

/** A #wrong (or older `error`) column: a count, a float, or N/A without validation. */
function checkWrong(token: string, path: string, line: number): void {
  if (token !== 'N/A' && !NUMBER.test(token)) throw parseError(path, line, `#wrong: expected a number or N/A, got ${excerpt(token)}`);
}

/**
 * One row. `rootColumn`: what the header line said (undefined without a header): 13 columns
 * with root or 12 without (before nccl-tests 2.10); 9 or 8 when only one half ran.
 */
function parseRow(tokens: string[], rootColumn: boolean | undefined, path: string, line: number): { row: NcclTestsRow; type: string; redop: string } {
  const counts = rootColumn === undefined ? [8, 9, 12, 13] : rootColumn ? [9, 13] : [8, 12];
  if (!counts.includes(tokens.length)) {
    const layout = rootColumn === false ? 'size count type redop' : rootColumn ? 'size count type redop root' : 'size count type redop [root]';
    throw parseError(path, line, `expected an nccl-tests row (${layout} then time algbw busbw #wrong, out-of-place then in-place: ${counts.slice(-1)[0]} columns), got ${tokens.length} columns`);
  }
  const withRoot = tokens.length === 13 || tokens.length === 9;
  const sizeBytes = integerAt(tokens[0]!, 'size', path, line);
  if (sizeBytes <= 0) throw parseError(path, line, 'size: expected bytes above 0, got 0');
  integerAt(tokens[1]!, 'count', path, line);
  if (withRoot && !/^-?\d+$/.test(tokens[4]!)) throw parseError(path, line, `root: expected a rank or -1, got ${excerpt(tokens[4]!)}`);
  const first = withRoot ? 5 : 4;
  const times: number[] = [];
  for (let at = first; at < tokens.length; at += 4) {
    times.push(timeAt(tokens[at]!, at === first ? 'time (out-of-place)' : 'time (in-place)', path, line));
    for (const [k, what] of [[1, 'algbw'], [2, 'busbw']] as const)
      if (!NUMBER.test(tokens[at + k]!)) throw parseError(path, line, `${what}: expected a number, got ${excerpt(tokens[at + k]!)}`);
    checkWrong(tokens[at + 3]!, path, line);
  }
  const row: NcclTestsRow = { sizeBytes, timeUs: times[0]!, line, ...(times.length > 1 ? { inPlaceTimeUs: times[1]! } : {}) };
  return { row, type: tokens[2]!, redop: tokens[3]! };
}

/** The one table of an nccl-tests output; a SpecError "PATH:LINE: what is wrong" otherwise. */
export function parseNcclTests(text: string, path = 'nccl-tests output'): NcclTestsTable {
  const rows: NcclTestsRow[] = [];
  const ranks = new Set<number>();
  let type = '';
  let redop = '';
  let tableEnded = false;
  /** Whether the column header names a root column; undefined until a header is seen. */
  let rootColumn: boolean | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const trimmed = raw.trim();
    if (trimmed === '') return;
    if (trimmed.startsWith('#')) {
      const rank = RANK_LINE.exec(trimmed);
      if (rank) ranks.add(Number(rank[1]));
      if (/^#\s+size\s+count\s+type\s+redop\s/.test(trimmed)) rootColumn = /\sroot\s/.test(trimmed);
      // nccl-tests ends its table with the averages: rows after them are a second table.
      if (/^#\s*Avg bus bandwidth/.test(trimmed) && rows.length > 0) tableEnded = true;
      return;
    }
    if (NCCL_DEBUG_LINE.test(trimmed)) return;
    if (!/^\d/.test(trimmed)) throw parseError(path, line, `expected an nccl-tests row, a # comment or an NCCL debug line, got ${excerpt(trimmed)}`);
    const parsed = parseRow(trimmed.split(/\s+/), rootColumn, path, line);
    if (tableEnded) throw parseError(path, line, 'a second table starts here (calibrate fits one curve: give a file with one table)');
    const previous = rows[rows.length - 1];
    if (previous && parsed.row.sizeBytes <= previous.sizeBytes)
      throw parseError(path, line, `size: expected sizes in increasing order, got ${parsed.row.sizeBytes} after ${previous.sizeBytes}`);
    if (previous && (parsed.type !== type || parsed.redop !== redop))
      throw parseError(path, line, `type/redop: expected ${type} ${redop} as the rows before, got ${excerpt(`${parsed.type} ${parsed.redop}`)}`);
    [type, redop] = [parsed.type, parsed.redop];
    rows.push(parsed.row);
  });
  if (rows.length === 0) throw new SpecError(`${path}: no nccl-tests rows (size count type redop root time algbw busbw #wrong ...) found`);
  return { rows, type, redop, ...(ranks.size > 0 ? { ranks: ranks.size } : {}) };
}
