// Per-message timeline of one workload on one fabric: post and arrival time of every message,
// with its GPUs and channel (README, "Flow model and packet model at the same shape").
// usage: npx tsx scripts/channel-timeline.ts TOPOLOGY_JSON WORKLOAD_JSON FABRIC_JSON [STAGGER_PS]
// STAGGER_PS > 0 posts channel c's messages of time 0 c × STAGGER_PS later (a skew between channels).
import { Simulator, TypedEventQueue, usFromPs } from '../src/engine/index.js';
import { createFabricModel, shapeOf } from '../src/fabric/index.js';
import { createWorkload } from '../src/experiment/create-workload.js';
import { modelOf, resolveFabric } from '../src/experiment/fabrics.js';
import { validateSpec } from '../src/experiment/index.js';
import type { Collective } from '../src/workloads/index.js';

const [topology, workload, fabric, staggerArg] = process.argv.slice(2);
const spec = validateSpec({ name: 'timeline', seed: 1, fabrics: [JSON.parse(fabric!)], topology: JSON.parse(topology!), workload: JSON.parse(workload!) });
const config = resolveFabric(spec.fabrics[0]!);
const sim = new Simulator(new TypedEventQueue());
const net = createFabricModel(modelOf(config), sim, spec.topology, config, spec.seed);
const staggerPs = Number(staggerArg ?? 0);
const ends = new Map<number, [number, number]>();
const open = net.openFlow.bind(net);
net.openFlow = (src, dst) => {
  const flow = open(src, dst);
  ends.set(flow.id, [src, dst]);
  return flow;
};
const w = createWorkload(spec.workload[0]!, net.gpus, spec.seed, shapeOf(spec.topology).gpusPerNode) as Collective;
let channel = 0;
w.probe = (_src, _dst, _bytes, c) => (channel = c);
const rows: string[] = [];
const send = net.send.bind(net);
const logged = (flowId: number, bytes: number, c: number, onArrive?: (atPs: number) => void) => {
  const postedPs = sim.nowPs;
  const [src, dst] = ends.get(flowId)!;
  return (atPs: number) => {
    rows.push(`${usFromPs(postedPs).toFixed(3)}\t${usFromPs(atPs).toFixed(3)}\t${src}->${dst}\tc${c}\t${bytes}`);
    onArrive?.(atPs);
  };
};
net.send = (flow, bytes, onArrive) => {
  const c = channel;
  if (staggerPs > 0 && sim.nowPs === 0 && c > 0) {
    sim.at(c * staggerPs, { onEvent: () => send(flow, bytes, logged(flow.id, bytes, c, onArrive)) }, 0);
    return;
  }
  send(flow, bytes, logged(flow.id, bytes, c, onArrive));
};
w.start(net);
sim.run({});
console.log(`# done ${usFromPs(w.finishedPs).toFixed(3)} us\n# posted\tarrived\tgpus\tchannel\tbytes`);
console.log(rows.join('\n'));
