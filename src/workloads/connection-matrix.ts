/**
 * htsim's connection-matrix format (`.cm`), read and written as its parser
 * (csg-htsim `sim/datacenter/connection_matrix.cpp`, `ConnectionMatrix::load`) defines it:
 *
 *   Nodes N
 *   Connections C
 *   Triggers T                     (optional header lines)
 *   S->D id I start T size B [trigger K] [send_done_trigger K] [recv_done_trigger K]
 *   trigger id K oneshot|multishot|barrier [count M]
 *
 * `start` is in picoseconds (htsim's generators write µs × 10^6; a decimal is allowed),
 * `size` in bytes. A connection starts at `start` or when trigger K fires, never both.
 * What fabsim does not model is an error naming the line, never skipped: `failure` lines
 * (link failures), `prio` and `addon`. Pure text in, data out: reading files is the
 * experiment layer's job.
 */

export interface MatrixConnection {
  src: number;
  dst: number;
  /** htsim's flow id (0 when the line gives none). */
  id: number;
  sizeBytes: number;
  /** Start time, or undefined when a trigger starts it. */
  startPs?: number;
  /** The trigger that starts it. */
  trigger?: number;
  /** Triggers this connection activates once its last byte is delivered. */
  sendDoneTrigger?: number;
  recvDoneTrigger?: number;
}

export type TriggerKind = 'oneshot' | 'multishot' | 'barrier';
export interface MatrixTrigger {
  id: number;
  kind: TriggerKind;
  /** Barrier: activations needed before it fires. */
  count: number;
}

export interface ConnectionMatrix {
  nodes: number;
  connections: MatrixConnection[];
  triggers: MatrixTrigger[];
}

/** A malformed or unsupported line; `line` counts from 1. */
export class MatrixSyntaxError extends Error {
  override name = 'MatrixSyntaxError';
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

/** A token quoted for an error message: short, printable ASCII only (files are not echoed). */
export function excerpt(token: string): string {
  const clean = token.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(clean.length > 24 ? `${clean.slice(0, 24)}…` : clean);
}

function integer(token: string | undefined, what: string, line: number, min = 0): number {
  if (token === undefined) throw new MatrixSyntaxError(line, `${what}: missing value`);
  const n = /^\d+$/.test(token) ? Number(token) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new MatrixSyntaxError(line, `${what}: expected an integer ≥ ${min}, got ${excerpt(token)}`);
  return n;
}

function parseConnection(tokens: string[], line: number, nodes: number): MatrixConnection {
  const [s, d, ...extra] = tokens[0]!.split('->');
  if (extra.length > 0 || s === undefined || d === undefined) throw new MatrixSyntaxError(line, `expected "src->dst", got ${excerpt(tokens[0]!)}`);
  const c: MatrixConnection = { src: integer(s, 'src', line), dst: integer(d, 'dst', line), id: 0, sizeBytes: 0 };
  if (c.src >= nodes || c.dst >= nodes) throw new MatrixSyntaxError(line, `node ${Math.max(c.src, c.dst)} is not below Nodes (${nodes})`);
  if (c.src === c.dst) throw new MatrixSyntaxError(line, `a node cannot send to itself (${c.src}->${c.dst})`);
  let size: number | undefined;
  for (let i = 1; i < tokens.length; i += 2) {
    const key = tokens[i]!;
    const value = tokens[i + 1];
    switch (key) {
      case 'start': {
        const ps = value !== undefined && /^\d+(\.\d*)?([eE]\+?\d+)?$/.test(value) ? Number(value) : NaN;
        if (!Number.isFinite(ps)) throw new MatrixSyntaxError(line, `start: expected a time in picoseconds ≥ 0, got ${excerpt(value ?? '')}`);
        c.startPs = Math.round(ps);
        break;
      }
      case 'size':
        size = integer(value, 'size', line, 1);
        break;
      case 'id':
        c.id = integer(value, 'id', line, 1);
        break;
      case 'trigger':
        c.trigger = integer(value, 'trigger', line, 1);
        break;
      case 'send_done_trigger':
        c.sendDoneTrigger = integer(value, 'send_done_trigger', line, 1);
        break;
      case 'recv_done_trigger':
        c.recvDoneTrigger = integer(value, 'recv_done_trigger', line, 1);
        break;
      case 'prio':
      case 'addon':
        throw new MatrixSyntaxError(line, `"${key}" is not supported (fabsim has one traffic class and no add-on triggers)`);
      default:
        throw new MatrixSyntaxError(line, `unknown connection field ${excerpt(key)} (expected id, start, size, trigger, send_done_trigger, recv_done_trigger)`);
    }
  }
  if (size === undefined) throw new MatrixSyntaxError(line, 'size: missing (bytes to send)');
  c.sizeBytes = size;
  if (c.startPs === undefined && c.trigger === undefined) throw new MatrixSyntaxError(line, 'no start: give "start T" or "trigger K"');
  if (c.startPs !== undefined && c.trigger !== undefined) throw new MatrixSyntaxError(line, 'both "start" and "trigger" given: a connection has one');
  if (c.trigger !== undefined && c.id === 0) throw new MatrixSyntaxError(line, 'a triggered connection needs an "id"');
  return c;
}

function parseTrigger(tokens: string[], line: number): MatrixTrigger {
  let id = 0;
  let kind: TriggerKind | undefined;
  let count = 0;
  for (let i = 1; i < tokens.length; i++) {
    const key = tokens[i]!;
    if (key === 'id') id = integer(tokens[++i], 'trigger id', line, 1);
    else if (key === 'count') count = integer(tokens[++i], 'trigger count', line, 1);
    else if (key === 'oneshot' || key === 'multishot' || key === 'barrier') {
      if (kind !== undefined) throw new MatrixSyntaxError(line, `trigger has two types (${kind}, ${key})`);
      kind = key;
    } else throw new MatrixSyntaxError(line, `unknown trigger field ${excerpt(key)} (expected id, oneshot, multishot, barrier, count)`);
  }
  if (id === 0) throw new MatrixSyntaxError(line, 'trigger with no id');
  if (kind === undefined) throw new MatrixSyntaxError(line, 'trigger with no type (oneshot, multishot or barrier)');
  if (kind === 'barrier' && count === 0) throw new MatrixSyntaxError(line, 'barrier trigger needs "count N"');
  return { id, kind, count };
}

const HEADER = new Set(['Nodes', 'Connections', 'Triggers', 'Failures']);

/** Parses a connection matrix; throws MatrixSyntaxError naming the first bad line. */
export function parseConnectionMatrix(text: string): ConnectionMatrix {
  const header: Record<string, number> = {};
  const connections: MatrixConnection[] = [];
  const triggers = new Map<number, MatrixTrigger>();
  const triggerLines = new Map<number, number>();
  const flowIds = new Set<number>();
  let bodyStarted = false;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    const tokens = raw.trim().split(/\s+/).filter((t) => t !== '');
    if (tokens.length === 0 || tokens[0]!.startsWith('#')) return;
    const head = tokens[0]!;
    if (HEADER.has(head)) {
      if (bodyStarted) throw new MatrixSyntaxError(line, `"${head}" after the first connection: header lines come first`);
      if (tokens.length !== 2) throw new MatrixSyntaxError(line, `expected "${head} N"`);
      header[head] = integer(tokens[1], head, line);
      return;
    }
    if (header.Nodes === undefined) throw new MatrixSyntaxError(line, 'expected "Nodes N" before any connection');
    bodyStarted = true;
    if (head.includes('->')) {
      const c = parseConnection(tokens, line, header.Nodes);
      if (c.id !== 0) {
        if (flowIds.has(c.id)) throw new MatrixSyntaxError(line, `flow id ${c.id} used twice`);
        flowIds.add(c.id);
      }
      connections.push(c);
    } else if (head === 'trigger') {
      const t = parseTrigger(tokens, line);
      if (triggers.has(t.id)) throw new MatrixSyntaxError(line, `trigger ${t.id} defined twice`);
      triggers.set(t.id, t);
      triggerLines.set(t.id, line);
    } else if (head === 'failure') {
      throw new MatrixSyntaxError(line, '"failure" lines are not supported (fabsim models no link failures)');
    } else {
      throw new MatrixSyntaxError(line, `unknown line type ${excerpt(head)} (expected Nodes, Connections, Triggers, "src->dst …" or trigger)`);
    }
  });
  const end = lines.length;
  if (header.Nodes === undefined) throw new MatrixSyntaxError(end, 'no "Nodes N" line');
  if (header.Connections === undefined) throw new MatrixSyntaxError(end, 'no "Connections C" line');
  if (connections.length !== header.Connections)
    throw new MatrixSyntaxError(end, `Connections says ${header.Connections}, the file has ${connections.length}`);
  if (triggers.size !== (header.Triggers ?? 0)) throw new MatrixSyntaxError(end, `Triggers says ${header.Triggers ?? 0}, the file has ${triggers.size}`);
  if ((header.Failures ?? 0) > 0) throw new MatrixSyntaxError(end, '"Failures" is not supported (fabsim models no link failures)');
  for (const c of connections)
    for (const t of [c.trigger, c.sendDoneTrigger, c.recvDoneTrigger])
      if (t !== undefined && !triggers.has(t)) throw new MatrixSyntaxError(end, `trigger ${t} is referenced but not defined`);
  return { nodes: header.Nodes, connections, triggers: [...triggers.values()] };
}

/** Writes a matrix in htsim's format; parseConnectionMatrix(formatConnectionMatrix(m)) gives m back. */
export function formatConnectionMatrix(m: ConnectionMatrix): string {
  const lines = [`Nodes ${m.nodes}`, `Connections ${m.connections.length}`];
  if (m.triggers.length > 0) lines.push(`Triggers ${m.triggers.length}`);
  for (const c of m.connections) {
    let line = `${c.src}->${c.dst}${c.id ? ` id ${c.id}` : ''}`;
    line += c.trigger !== undefined ? ` trigger ${c.trigger}` : ` start ${c.startPs ?? 0}`;
    line += ` size ${c.sizeBytes}`;
    if (c.sendDoneTrigger !== undefined) line += ` send_done_trigger ${c.sendDoneTrigger}`;
    if (c.recvDoneTrigger !== undefined) line += ` recv_done_trigger ${c.recvDoneTrigger}`;
    lines.push(line);
  }
  for (const t of m.triggers) lines.push(`trigger id ${t.id} ${t.kind}${t.kind === 'barrier' ? ` count ${t.count}` : ''}`);
  return `${lines.join('\n')}\n`;
}
