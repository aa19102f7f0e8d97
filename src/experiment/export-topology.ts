import type { TopologyShape } from '../fabric/index.js';

/** A YAML scalar for a node name: plain when YAML reads it back as the same string, else quoted. */
const yamlName = (name: string): string => (/^[A-Za-z_][\w./-]*$/.test(name) ? name : JSON.stringify(name));
const ns = (ps: number): number => ps / 1000;

/**
 * Any topology shape in fabsim's graph format (topology-graph-file.ts), so that reading it
 * back (`kind: file`) gives the same fabric: hosts gpu0 … in GPU order, switches under their
 * own names (which seed their ECMP salts) in the packet model's order, host links by switch
 * and port, then the switch cables in the shape's order (parallel cables as one link): each
 * switch's ports come back numbered as they were. The NVLink domain is not part of the
 * graph format: only the scale-out fabric is written (gpusPerNode keeps the server grouping).
 */
export function exportTopology(shape: TopologyShape, title: string): string {
  const layouts = shape.switches().filter((s) => s.tier < shape.fabricTiers);
  const names = layouts.map((s) => yamlName(s.name));
  const host = (h: number) => `gpu${h}`;
  const defaultNs = ns(shape.linkDelayPs);
  const extras = (gbps: number, delayPs: number) =>
    `${gbps !== shape.linkGbps ? `, gbps: ${gbps}` : ''}${ns(delayPs) !== defaultNs ? `, delayNs: ${ns(delayPs)}` : ''}`;
  const lines = [
    `# ${title}: written by fabsim export-topology (graph format; read it with topology: { kind: file, path })`,
    ...(shape.nvlink ? [`# NVLink domain not written (the graph format models the scale-out fabric only)`] : []),
    `linkGbps: ${shape.linkGbps}`,
    `linkDelayNs: ${defaultNs}`,
    `gpusPerNode: ${shape.gpusPerNode}`,
    `hosts: [${Array.from({ length: shape.gpus }, (_, h) => host(h)).join(', ')}]`,
    `switches: [${names.join(', ')}]`,
    'links:',
  ];
  const hosts = Array.from({ length: shape.gpus }, (_, h) => h);
  hosts.sort((a, b) => shape.hostSwitch(a) - shape.hostSwitch(b) || shape.hostSlot(a) - shape.hostSlot(b));
  for (const h of hosts) {
    const link = shape.hostLink?.(h) ?? { gbps: shape.linkGbps, delayPs: shape.linkDelayPs };
    lines.push(`  - { a: ${host(h)}, b: ${names[shape.hostSwitch(h)]}${extras(link.gbps, link.delayPs)} }`);
  }
  // Consecutive cables between the same two switches on consecutive ports are one link with `parallel`.
  let run: { a: number; b: number; aPort: number; bPort: number; delayPs: number; count: number } | null = null;
  const flush = () => {
    if (run === null) return;
    const gbps = layouts[run.a]!.portGbps?.[run.aPort] ?? layouts[run.a]!.gbps;
    lines.push(`  - { a: ${names[run.a]}, b: ${names[run.b]}${extras(gbps, run.delayPs)}${run.count > 1 ? `, parallel: ${run.count}` : ''} }`);
  };
  shape.forEachCable((a, aPort, b, bPort, delayPs = shape.linkDelayPs) => {
    if (run && run.a === a && run.b === b && run.aPort + run.count === aPort && run.bPort + run.count === bPort && run.delayPs === delayPs) {
      run.count++;
      return;
    }
    flush();
    run = { a, b, aPort, bPort, delayPs, count: 1 };
  });
  flush();
  return `${lines.join('\n')}\n`;
}
