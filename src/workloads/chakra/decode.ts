import protobuf from 'protobufjs';
import { ET } from './et-def.js';

/** A problem in one trace file, with the node it concerns (the experiment layer adds the file). */
export class ChakraTraceError extends Error {
  constructor(
    message: string,
    readonly nodeId?: number,
    /** The rank whose trace it is in, when the check spans ranks. */
    readonly rank?: number,
  ) {
    super(nodeId === undefined ? message : `node ${nodeId}: ${message}`);
  }
}

/** An attribute's value as fabsim reads it: integers as numbers (exact below 2^53), lists as arrays. */
export type AttrValue = number | string | boolean | number[] | string[] | boolean[];

/** One node of a rank's trace, as decoded. */
export interface TraceNode {
  id: number;
  name: string;
  /** ET.NodeType value. */
  type: number;
  /** Data and control dependencies together (both must finish first), without repeats. */
  deps: number[];
  durationMicros: number;
  attrs: Map<string, AttrValue>;
  /** inputs.values of a METADATA_NODE (PyTorch's process_group:init lists the process groups there); '' otherwise. */
  metadataInputs: string;
}

export interface DecodedTrace {
  version: string;
  nodes: TraceNode[];
}

/** A protobuf integer (a number, or a Long for 64-bit fields) as an exact JS number. */
function exact(v: unknown, what: string, nodeId?: number): number {
  if (typeof v === 'number') return v;
  const { low, high, unsigned } = v as protobuf.Long;
  const hi = unsigned ? high >>> 0 : high;
  // Exact below 2^53 in magnitude: the high word within ±2^21.
  if (hi >= 0x200000 || hi < -0x200000) throw new ChakraTraceError(`${what} ${(BigInt(hi) << 32n) + BigInt(low >>> 0)} is beyond 2^53, which fabsim cannot hold exactly`, nodeId);
  return hi * 2 ** 32 + (low >>> 0);
}

const LIST_FIELDS = new Set(['int32_list', 'int64_list', 'uint32_list', 'uint64_list', 'bool_list', 'string_list']);

function attrValue(a: protobuf.Message & Record<string, unknown>, nodeId: number): AttrValue | undefined {
  const which = a.value as string | undefined;
  if (which === undefined) return undefined;
  const v = a[which];
  if (LIST_FIELDS.has(which)) {
    const values = (v as { values: unknown[] }).values;
    return which === 'bool_list' || which === 'string_list' ? (values as string[] | boolean[]) : values.map((x) => exact(x, `attribute ${String(a.name)}`, nodeId));
  }
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return exact(v, `attribute ${String(a.name)}`, nodeId);
}

/**
 * Decodes a Chakra ET file: length-delimited messages (a varint byte count, then the
 * message), GlobalMetadata first, then one Node per message, as Chakra's protoio writes them.
 */
export function decodeTrace(bytes: Uint8Array): DecodedTrace {
  const reader = protobuf.Reader.create(bytes);
  let version = '';
  const nodes: TraceNode[] = [];
  let first = true;
  while (reader.pos < reader.len) {
    const at = reader.pos;
    let message: protobuf.Message & Record<string, unknown>;
    try {
      message = (first ? ET.GlobalMetadata : ET.Node).decodeDelimited(reader) as protobuf.Message & Record<string, unknown>;
    } catch (error) {
      const what = first ? 'GlobalMetadata' : `node message ${nodes.length + 1}`;
      throw new ChakraTraceError(`not a Chakra ET file: cannot decode its ${what} at byte ${at} (${(error as Error).message})`);
    }
    if (first) {
      version = String(message.version);
      first = false;
      continue;
    }
    const id = exact(message.id, 'id');
    const deps = new Set<number>();
    for (const d of [...(message.data_deps as unknown[]), ...(message.ctrl_deps as unknown[])]) deps.add(exact(d, 'dependency', id));
    const attrs = new Map<string, AttrValue>();
    for (const a of message.attr as (protobuf.Message & Record<string, unknown>)[]) {
      const value = attrValue(a, id);
      if (value !== undefined) attrs.set(String(a.name), value);
    }
    nodes.push({
      id,
      name: String(message.name),
      type: message.type as number,
      deps: [...deps],
      durationMicros: exact(message.duration_micros, 'duration_micros', id),
      attrs,
      metadataInputs: message.type === ET.NodeType.METADATA_NODE ? String((message.inputs as { values?: string } | null)?.values ?? '') : '',
    });
  }
  if (first) throw new ChakraTraceError('not a Chakra ET file: it is empty (expected GlobalMetadata, then nodes)');
  return { version, nodes };
}
