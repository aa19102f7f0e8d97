import { dirname, resolve } from 'node:path';
import { checkGraph, GraphError, type FileTopologySpec, type TopologyGraph } from '../fabric/index.js';
import { readUserFile } from './read-user-file.js';
import { SpecError } from './spec-error.js';
import { parseGraphDocument } from './topology-graph-file.js';
import { isHpccTopology, parseHpccTopology } from './topology-hpcc.js';

/** Largest topology file read: a 100,000-link graph is a few MB. */
export const MAX_TOPOLOGY_FILE_BYTES = 64 * 2 ** 20;

/** The last file parsed: a spec's file is read when the document is resolved and again by the schema (and per sweep point). */
let lastRead: { text: string; graph: TopologyGraph } | undefined;

/**
 * Reads `topology: { kind: file, path }`: HPCC's topology.txt (a first line of three
 * integers) or fabsim's YAML/JSON graph, checked (checkGraph) so that a malformed file is
 * one SpecError naming the file and the line.
 */
export function readTopologyFile(path: string, field = 'topology.path', baseDir?: string): FileTopologySpec {
  const text = readUserFile(path, { field, baseDir, maxBytes: MAX_TOPOLOGY_FILE_BYTES });
  let graph: TopologyGraph;
  if (lastRead?.text === text) graph = lastRead.graph;
  else {
    try {
      graph = isHpccTopology(text) ? parseHpccTopology(text) : parseGraphDocument(text);
      checkGraph(graph);
    } catch (error) {
      if (error instanceof GraphError) throw new SpecError(`${field}: ${path}${error.line > 0 ? ` line ${error.line}` : ''}: ${error.message}`);
      throw error;
    }
    lastRead = { text, graph };
  }
  let linkGbps = 0;
  let delayPs = 0;
  const H = graph.hosts.length;
  for (const l of graph.links) {
    if (Math.min(l.a, l.b) < H) linkGbps = Math.max(linkGbps, l.gbps);
    delayPs = Math.max(delayPs, l.delayPs);
  }
  return { kind: 'file', path, gpus: H, linkGbps, linkDelayNs: delayPs / 1000, graph };
}

/**
 * Resolves a spec document's `topology: { kind: file, path }` against the spec's folder,
 * parsing it there (errors name the path as written), so the schema reads the resolved path.
 */
export function resolveTopologyFile(document: Record<string, unknown>, specPath: string): void {
  const topology = document.topology as { kind?: unknown; path?: unknown } | null | undefined;
  if (topology?.kind !== 'file' || typeof topology.path !== 'string') return;
  readTopologyFile(topology.path, 'topology.path', dirname(specPath));
  topology.path = resolve(dirname(specPath), topology.path);
}

/** The topology as a result echoes it: a file's graph left out (the path names it). */
export function echoTopology(topology: { kind: string }): Record<string, unknown> {
  if (topology.kind !== 'file') return topology as Record<string, unknown>;
  const { graph: _graph, ...rest } = topology as FileTopologySpec;
  return rest;
}
