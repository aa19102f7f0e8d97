import protobuf from 'protobufjs';
import { ET } from './et-def.js';

/** A node to write: what a test or the example writer states, in Chakra's names. */
export interface NodeToWrite {
  id: number;
  name?: string;
  type: 'COMP_NODE' | 'COMM_COLL_NODE' | 'COMM_SEND_NODE' | 'COMM_RECV_NODE' | 'METADATA_NODE' | 'INVALID_NODE' | 'MEM_LOAD_NODE' | 'MEM_STORE_NODE';
  dataDeps?: number[];
  ctrlDeps?: number[];
  durationMicros?: number;
  /** Attributes: integers, strings, booleans or boolean lists (involved_dim). */
  attrs?: Record<string, number | string | boolean | boolean[]>;
  /** inputs.values (PyTorch's process_group:init metadata node lists the process groups there). */
  inputsValues?: string;
}

/** Chakra's feeder reads these as int32_val; every other integer is written as int64_val, as its converters do. */
const INT32_ATTRS = new Set(['comm_src', 'comm_dst', 'comm_tag', 'comm_priority']);

function attr(name: string, value: number | string | boolean | boolean[]): Record<string, unknown> {
  if (typeof value === 'string') return { name, string_val: value };
  if (typeof value === 'boolean') return { name, bool_val: value };
  if (Array.isArray(value)) return { name, bool_list: { values: value } };
  return INT32_ATTRS.has(name) ? { name, int32_val: value } : { name, int64_val: value };
}

/** A Chakra ET file: GlobalMetadata, then each node, each length-delimited, as Chakra's protoio writes them. */
export function encodeTrace(nodes: NodeToWrite[], version = '0.0.4'): Uint8Array {
  const writer = protobuf.Writer.create();
  ET.GlobalMetadata.encodeDelimited(ET.GlobalMetadata.fromObject({ version }), writer);
  for (const n of nodes) {
    const message = ET.Node.fromObject({
      id: n.id,
      name: n.name ?? `${n.type.toLowerCase()}_${n.id}`,
      type: ET.NodeType[n.type],
      data_deps: n.dataDeps ?? [],
      ctrl_deps: n.ctrlDeps ?? [],
      duration_micros: n.durationMicros ?? 0,
      attr: Object.entries(n.attrs ?? {}).map(([k, v]) => attr(k, v)),
      ...(n.inputsValues === undefined ? {} : { inputs: { values: n.inputsValues } }),
    });
    ET.Node.encodeDelimited(message, writer);
  }
  return writer.finish();
}
