import protobuf from 'protobufjs';

/**
 * The part of Chakra's execution-trace schema fabsim reads: message names, field numbers
 * and enum values as MLCommons defines them in mlcommons/chakra `schema/protobuf/et_def.proto`
 * (commit 21585d8, 2026-05-20). Attribute value kinds fabsim never reads (float, double,
 * fixed, bytes and their lists) are left out: protobuf skips unknown fields, so a trace
 * that carries them still decodes. Tensor is left out (no node field refers to it).
 */
export const ET_DEF_PROTO = `
syntax = "proto3";
package ChakraProtoMsg;

message AttributeProto {
  string name = 1;
  string doc_string = 2;
  oneof value {
    int32 int32_val = 7;
    Int32List int32_list = 8;
    int64 int64_val = 9;
    Int64List int64_list = 10;
    uint32 uint32_val = 11;
    Uint32List uint32_list = 12;
    uint64 uint64_val = 13;
    Uint64List uint64_list = 14;
    sint32 sint32_val = 15;
    sint64 sint64_val = 17;
    bool bool_val = 27;
    BoolList bool_list = 28;
    string string_val = 29;
    StringList string_list = 30;
  }
}

message Int32List { repeated int32 values = 1; }
message Int64List { repeated int64 values = 1; }
message Uint32List { repeated uint32 values = 1; }
message Uint64List { repeated uint64 values = 1; }
message BoolList { repeated bool values = 1; }
message StringList { repeated string values = 1; }

message GlobalMetadata {
  string version = 1;
  repeated AttributeProto attr = 2;
}

enum NodeType {
  INVALID_NODE = 0;
  METADATA_NODE = 1;
  MEM_LOAD_NODE = 2;
  MEM_STORE_NODE = 3;
  COMP_NODE = 4;
  COMM_SEND_NODE = 5;
  COMM_RECV_NODE = 6;
  COMM_COLL_NODE = 7;
}

enum CollectiveCommType {
  ALL_REDUCE = 0;
  REDUCE = 1;
  ALL_GATHER = 2;
  GATHER = 3;
  SCATTER = 4;
  BROADCAST = 5;
  ALL_TO_ALL = 6;
  REDUCE_SCATTER = 7;
  REDUCE_SCATTER_BLOCK = 8;
  BARRIER = 9;
}

message Node {
  uint64 id = 1;
  string name = 2;
  NodeType type = 3;
  repeated uint64 ctrl_deps = 4;
  repeated uint64 data_deps = 5;
  uint64 start_time_micros = 6;
  uint64 duration_micros = 7;
  IOInfo inputs = 8;
  IOInfo outputs = 9;
  repeated AttributeProto attr = 10;
}

message IOInfo {
  string values = 1;
  string shapes = 2;
  string types = 3;
}
`;

const root = protobuf.parse(ET_DEF_PROTO, { keepCase: true }).root;

/** The decoders (and, for tests and the example writer, encoders) of the schema above. */
export const ET = {
  GlobalMetadata: root.lookupType('ChakraProtoMsg.GlobalMetadata'),
  Node: root.lookupType('ChakraProtoMsg.Node'),
  NodeType: root.lookupEnum('ChakraProtoMsg.NodeType').values as Record<string, number>,
  CollectiveCommType: root.lookupEnum('ChakraProtoMsg.CollectiveCommType').values as Record<string, number>,
};

/** Enum value → its name in the schema (for error messages). */
export const nameOf = (values: Record<string, number>, value: number): string =>
  Object.keys(values).find((k) => values[k] === value) ?? `unknown value ${value}`;
