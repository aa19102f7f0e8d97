import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FABSIM } from './cli-helpers.js';
import { Simulator, SimulationError, type EventTarget } from '../src/engine/index.js';
import { readSpecDocument, SpecError, validateSpec } from '../src/experiment/load-spec.js';
import { allowOutsideFiles } from '../src/experiment/read-user-file.js';
import { sweepValues, withField } from '../src/experiment/sweep.js';
import { TypedEventQueue } from '../src/engine/typed-event-queue.js';
import { formatCsv } from '../src/report/csv.js';

const dir = mkdtempSync(join(tmpdir(), 'fabsim-hostile-'));
const specDir = join(dir, 'specs');
mkdirSync(specDir);

const BASE = `name: hostile
topology: { kind: leaf-spine, gpus: 8, gpusPerLeaf: 4, linkGbps: 100 }
fabrics: [ethernet]
workload: { kind: allreduce, bytes: 64KiB }
`;
const jobs = (sizes: string) =>
  `workload: { kind: jobs, jobs: [{ ranks: 2, collectives: [{ kind: allreduce, bytes: 1KiB }] }], background: { load: 0.5, sizes: ${sizes} } }`;
/** BASE with one line replaced (by its key) or added. */
const spec = (line: string) => {
  const key = line.split(':')[0]!;
  return BASE.includes(`\n${key}:`) ? BASE.replace(new RegExp(`\\n${key}:.*\\n`), `\n${line}\n`) : `${BASE}${line}\n`;
};

// Files a hostile spec may point at.
writeFileSync(join(specDir, 'huge.cdf'), '0 0\n'.repeat(300_000)); // 1.2 MB
writeFileSync(join(specDir, 'secret.cdf'), 'root:x:0:0:root:/root:/bin/bash and more text\n');
mkdirSync(join(specDir, 'folder.cdf'));
execFileSync('mkfifo', [join(specDir, 'pipe.cdf')]);
symlinkSync('/etc/hostname', join(specDir, 'escape.cdf'));
writeFileSync(join(dir, 'outside.cdf'), '0 0\n1000 100\n');

/** [what, spec text, the one line expected]. Each must fail validation with that SpecError. */
const HOSTILE_SPECS: [string, string, RegExp][] = [
  // 1. Values that never finished: every number has a physical range.
  ['bytes 1e30 as a number', spec('workload: { kind: allreduce, bytes: 1e30 }'), /^workload\.bytes: expected a size from 0 to 1PiB .*got 1e\+30$/],
  ['bytes .inf', spec('workload: { kind: allreduce, bytes: .inf }'), /^workload\.bytes: expected a size .*got \.inf$/],
  ['rtoUs 1e-9', spec('fabrics: [{ preset: ethernet, rtoUs: 1e-9 }]'), /^fabrics\.0\.rtoUs: expected a timeout from 1 to 1,000,000 µs, got 1e-9$/],
  ['linkGbps 1e-9', spec('topology: { kind: leaf-spine, gpus: 8, gpusPerLeaf: 4, linkGbps: 1e-9 }'), /^topology\.linkGbps: expected a rate from 1 to 100,000 Gb\/s/],
  ['nvlinkGbps .nan', spec('topology: { kind: rail-optimized, gpus: 16, radix: 8, nvlinkGbps: .nan }'), /^topology\.nvlinkGbps: expected a rate .*got \.nan$/],
  ['headerBytes 1TiB', spec('fabrics: [{ preset: ethernet, headerBytes: "1TiB" }]'), /^fabrics\.0\.headerBytes: expected a size from 0 to 64KiB/],
  ['mtuBytes 1', spec('fabrics: [{ preset: ethernet, mtuBytes: 1 }]'), /^fabrics\.0\.mtuBytes: expected an MTU from 256 B to 64KiB, got 1$/],
  ['linkDelayNs 1e300', spec('topology: { kind: leaf-spine, gpus: 8, gpusPerLeaf: 4, linkDelayNs: 1e300 }'), /^topology\.linkDelayNs: expected a delay from 0 to 1,000,000,000 ns/],
  ['flowletGapUs 1e-9', spec('fabrics: [{ preset: ethernet, routing: flowlet, flowletGapUs: 1e-9 }]'), /^fabrics\.0\.flowletGapUs: expected a time from 0\.001/],
  ['maxTimeUs .inf', spec('limits: { maxTimeUs: .inf }'), /^limits\.maxTimeUs: expected a duration above 0 to 1,000,000,000 µs, got \.inf$/],
  ['seed .nan', spec('seed: .nan'), /^seed: expected a finite number, got \.nan$/],
  // 2. Huge topologies: refused before anything is built.
  ['gpus: 10000000', spec('topology: { kind: leaf-spine, gpus: 10000000, gpusPerLeaf: 64 }'), /^topology\.gpus: 10,000,000 GPUs is more than any model builds \(at most 1,048,576\)$/],
  ['fat-tree radix 10000', spec('topology: { kind: fat-tree, radix: 10000 }'), /^topology\.gpus: 250,000,000,000 GPUs is more than any model builds/],
  ['300,000 GPUs on the packet model', spec('topology: { kind: leaf-spine, gpus: 300032, gpusPerLeaf: 64 }'), /^topology\.gpus: 300,032 GPUs is more than the packet model's limit of 262,144 \(its setup alone would take ~2\.1 GiB.*use model: flow/],
  // 5. A RangeError deep in ring.ts, now a bound with its reason.
  ['channels 1000000', spec('workload: { kind: allreduce, bytes: 64KiB, channels: 1000000 }'), /^workload\.channels: expected at most 64 channels \(NCCL's MAXCHANNELS\)/],
  // 3. Background CDFs.
  ['a decreasing CDF', spec(jobs('[[100, 50], [10, 20]]')), /^workload\.background\.sizes: point 1: sizes must not decrease/],
  ['a CDF whose share falls', spec(jobs('[[0, 0], [10, 60], [20, 40], [30, 100]]')), /point 2: cumulative % must not decrease, got 60% then 40%/],
  ['a CDF ending below 100%', spec(jobs('[[0, 0], [10, 20]]')), /^workload\.background\.sizes: the last point must be at 100%, got 20%$/],
  // 4. sizes: { file }: regular files inside the spec's folder, bounded, content never echoed.
  ['a CDF file /etc/passwd', spec(jobs('{ file: /etc/passwd }')), /^workload\.background\.sizes\.file: \/etc\/passwd is outside the spec's folder .*--allow-outside-files/],
  ['a CDF file ../', spec(jobs('{ file: ../outside.cdf }')), /is outside the spec's folder/],
  ['a CDF symlink leaving the folder', spec(jobs('{ file: escape.cdf }')), /escape\.cdf is outside the spec's folder/],
  ['a CDF file that is a FIFO', spec(jobs('{ file: pipe.cdf }')), /pipe\.cdf is not a regular file/],
  ['a CDF file that is a folder', spec(jobs('{ file: folder.cdf }')), /folder\.cdf is not a regular file/],
  ['a CDF file over 1 MiB', spec(jobs('{ file: huge.cdf }')), /huge\.cdf is 1200000 B, more than the 1048576 B limit$/],
  ['a CDF file of other text', spec(jobs('{ file: secret.cdf }')), /^workload\.background\.sizes\.file: secret\.cdf line 1: expected "bytes cumulative%", got "root:x:0:0:root:\/root:\/b…"$/],
  // 10. Deep but valid YAML is not "invalid".
  ['deep valid YAML', `${BASE}extra: ${'['.repeat(5000)}${']'.repeat(5000)}\n`, /nests too deeply for the YAML reader at line 5, column \d+; a spec needs only a few levels$/],
];

function load(text: string): void {
  const path = join(specDir, 'hostile.yaml');
  writeFileSync(path, text);
  validateSpec(readSpecDocument(path));
}

describe('hostile specs fail at once with one line naming the field', () => {
  it.each(HOSTILE_SPECS)('%s', (_what, text, expected) => {
    const started = Date.now();
    let error: unknown;
    try {
      load(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    const message = (error as Error).message;
    expect(message).toMatch(expected);
    expect(message).not.toMatch(/\n|\/bin\/bash|root:\/root:\/bin/);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('the flow model may take more GPUs than the packet model', () => {
    const text = spec('topology: { kind: leaf-spine, gpus: 300032, gpusPerLeaf: 64 }').replace('fabrics: [ethernet]', 'fabrics: [{ preset: ethernet, model: flow }]');
    expect(() => load(text)).not.toThrow();
  });

  it('the spec itself must be a regular file of at most 1 MiB', () => {
    for (const [path, expected] of [
      ['/dev/zero', /^spec: \/dev\/zero is not a regular file/],
      [join(specDir, 'pipe.cdf'), /is not a regular file/],
      [specDir, /is not a regular file/],
      [join(specDir, 'huge.cdf'), /is 1200000 B, more than the 1048576 B limit$/],
    ] as const)
      expect(() => readSpecDocument(path)).toThrow(expected);
  });

  it('--allow-outside-files lets a spec read a CDF outside its folder, and still never a device', () => {
    allowOutsideFiles(true);
    try {
      const path = join(specDir, 'outside.yaml');
      writeFileSync(path, spec(jobs('{ file: ../outside.cdf }')));
      const w = validateSpec(readSpecDocument(path)).workload[0] as { background?: { sizes: unknown } };
      expect(w.background?.sizes).toEqual([[0, 0], [1000, 100]]);
      writeFileSync(path, spec(jobs('{ file: /dev/zero }')));
      expect(() => readSpecDocument(path)).toThrow(/\/dev\/zero is not a regular file/);
    } finally {
      allowOutsideFiles(false);
    }
  });
});

describe('sweeps', () => {
  it('a field path names spec fields only: no prototype is ever written', () => {
    const path = join(specDir, 'sweep.yaml');
    writeFileSync(path, BASE);
    const document = readSpecDocument(path);
    for (const field of ['__proto__.polluted', 'constructor.prototype.polluted', 'workload.__proto__', 'topology.toString.x'])
      expect(() => withField(document, field, 1), field).toThrow(SpecError);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('a range of more than 10,000 points is an error naming the limit, not silently cut', () => {
    expect(() => sweepValues({ field: 'seed', values: '1..1e9 +1' })).toThrow(/gives more than 10,000 points, the limit/);
    expect(() => sweepValues({ field: 'workload.bytes', values: '0B..1GiB x2' })).toThrow(/must start above 0/);
    expect(sweepValues({ field: 'seed', values: '1..10000 +1' })).toHaveLength(10_000);
  });
});

describe('the simulator never stands still', () => {
  /** A timer that reschedules itself every `periodPs` forever. */
  const forever = (sim: Simulator, periodPs: number): EventTarget => {
    const target: EventTarget = { onEvent: () => sim.schedule(periodPs, target, 0) };
    sim.schedule(0, target, 0);
    return target;
  };

  it('stops with a SimulationError after too many events in a row at one simulated time', () => {
    const sim = new Simulator(new TypedEventQueue(), 1000);
    forever(sim, 0);
    expect(() => sim.run()).toThrow(SimulationError);
    expect(sim.events).toBe(1000); // 1000 events at t = 0 ran; the next one is refused
  });

  it('many events at one time below the threshold are fine, and the count restarts when the clock moves', () => {
    const sim = new Simulator(new TypedEventQueue(), 1000);
    const target: EventTarget = { onEvent: () => {} };
    for (let t = 0; t < 3; t++) for (let i = 0; i < 1000; i++) sim.at(t, target, 0);
    expect(sim.run()).toBe('idle');
    expect(sim.events).toBe(3000);
  });

  it('a run cut into slices (as the live runner does) is still caught', () => {
    const sim = new Simulator(new TypedEventQueue(), 1000);
    forever(sim, 0);
    expect(() => {
      for (let i = 0; i < 10; i++) sim.run({ maxEvents: sim.events + 300 });
    }).toThrow(SimulationError);
  });

  it('limits.maxTimePs stops a 1 ps timer; time past 2^53 ps is an error', () => {
    const sim = new Simulator();
    forever(sim, 1);
    expect(sim.run({ maxTimePs: 5000 })).toBe('max-time');
    expect(sim.events).toBe(5001);
    const late = new Simulator();
    late.at(2 ** 53 + 2, { onEvent: () => {} }, 0);
    expect(() => late.run()).toThrow(/passed 2\^53 ps/);
  });
});

describe('CSV', () => {
  it('a cell starting with =, +, - or @ is quoted with a leading apostrophe (no spreadsheet formula); numbers stay numbers', () => {
    const rows = ['=HYPERLINK("x")', '+1', '-cmd', '@SUM(A1)'].map((fabric) => ({ fabric, drops: -1 }));
    const csv = formatCsv({ experiment: '=2+2', seed: 1, results: rows } as never).trim().split('\n');
    expect(csv.slice(1)).toEqual([
      `"'=2+2",1,"'=HYPERLINK(""x"")",-1`,
      `"'=2+2",1,"'+1",-1`,
      `"'=2+2",1,"'-cmd",-1`,
      `"'=2+2",1,"'@SUM(A1)",-1`,
    ]);
  });
});

// ---- The CLI itself: exit 2, one line on stderr, nothing written, fast. ----
// (The bundled CLI, by its absolute path: it runs in an empty folder of its own.)


interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

function cli(args: string[], cwd: string): Promise<Outcome> {
  const started = Date.now();
  return new Promise((done) => {
    const child = spawn(process.execPath, [FABSIM, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => done({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

const goodSpec = join(specDir, 'good.yaml');
writeFileSync(goodSpec, BASE);
writeFileSync(join(dir, 'empty.json'), '{}');
writeFileSync(join(dir, 'points.json'), '{"points": 5}');
writeFileSync(join(dir, 'result.json'), JSON.stringify({ experiment: 'x', seed: 1, results: [] }));
writeFileSync(join(dir, 'bogus.json'), JSON.stringify({ experiment: 'x', field: 'f', values: [1], points: [{ index: 0, value: 1, result: { workload: {}, results: [{}] } }] }));
symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));

/**
 * [what, arguments ('OUT' is a fresh folder that must not appear), the one line expected].
 * Spec errors reach the CLI as the SpecErrors tested above; these are the command line's own.
 */
const HOSTILE_COMMANDS: [string, string[], RegExp][] = [
  ['merge of {}', ['merge', join(dir, 'empty.json'), '--out', 'OUT'], /^fabsim: merge: .*empty\.json is not a sweep\.json of fabsim sweep \(experiment: /],
  ['merge of {"points": 5}', ['merge', join(dir, 'points.json')], /is not a sweep\.json of fabsim sweep/],
  ["merge of a run's result.json", ['merge', join(dir, 'result.json'), '--out', 'OUT'], /result\.json is not a sweep\.json of fabsim sweep \(field: /],
  ['merge of bogus points', ['merge', join(dir, 'bogus.json'), '--out', 'OUT'], /\(points\.0\.result\.results\.0\.fabric: /],
  ["--out ''", ['run', goodSpec, '--out', ''], /^fabsim: --out: expected a folder path, got ""$/],
  ['--out a dangling symlink', ['run', goodSpec, '--out', join(dir, 'dangling')], /is a symbolic link to nothing$/],
  ['--out /proc/x', ['run', goodSpec, '--out', '/proc/fabsim-x'], /^fabsim: --out: cannot create \/proc\/fabsim-x \(/],
  ['--seed -1', ['run', goodSpec, '--seed', '-1'], /^fabsim: --seed: expected an integer from 0 to 2\^53−1, got "-1"$/],
  ['--sample-us -5', ['run', goodSpec, '--sample-us', '-5', '--out', 'OUT'], /^fabsim: --sample-us: expected an interval from 0\.001 to 1,000,000,000 µs, got "-5"$/],
  ['--shard on run', ['run', goodSpec, '--shard', '0/2'], /^fabsim: --shard: not an option of "run"/],
  ['--sample-us on sweep', ['sweep', goodSpec, '--sample-us', '0'], /^fabsim: --sample-us: not an option of "sweep"/],
];

describe('hostile command lines: exit 2, one line, no stack trace, nothing written', () => {
  it('every case, two at a time', async () => {
    const failures: string[] = [];
    const queue = [...HOSTILE_COMMANDS];
    const worker = async () => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        const [what, args, expected] = c;
        const cwd = mkdtempSync(join(dir, 'cwd-'));
        const r = await cli(args.map((a) => (a === 'OUT' ? join(cwd, 'out') : a)), cwd);
        const lines = r.stderr.trimEnd().split('\n');
        const problems = [
          r.code !== 2 && `exit ${r.code}`,
          lines.length !== 1 && `${lines.length} lines on stderr`,
          !expected.test(lines[0]!) && `stderr "${lines[0]}"`,
          r.stdout !== '' && 'output on stdout',
          readdirSync(cwd).length > 0 && `wrote ${readdirSync(cwd).join(', ')}`,
          r.ms > 15_000 && `took ${r.ms} ms`,
        ].filter(Boolean);
        if (problems.length > 0) failures.push(`${what}: ${problems.join('; ')}`);
      }
    };
    await Promise.all([worker(), worker()]);
    expect(failures).toEqual([]);
    expect(existsSync('/proc/fabsim-x')).toBe(false);
  }, 90_000);

  it('--sample-us 0.001 --out runs and writes its report (a 100,000-sample series no longer overflows the stack)', async () => {
    const cwd = mkdtempSync(join(dir, 'cwd-'));
    const r = await cli(['run', goodSpec, '--sample-us', '0.001', '--out', 'd'], cwd);
    expect(r.code).toBe(0);
    expect(readdirSync(join(cwd, 'd')).sort()).toEqual(['report.html', 'result.csv', 'result.json']);
    expect(readFileSync(join(cwd, 'd', 'result.json'), 'utf8')).toContain('"intervalUs": 0.001');
  }, 30_000);
});
