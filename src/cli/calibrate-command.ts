import { stringify } from 'yaml';
import { curveSetup, type CalibrationParams, type CurveSetup } from '../experiment/calibrate-curve.js';
import { fitCurve, type Calibration } from '../experiment/calibrate-fit.js';
import { loadSpec, readSpecDocument, SpecError, validateSpec } from '../experiment/load-spec.js';
import { readUserFile } from '../experiment/read-user-file.js';
import { parseNcclTests } from '../report/nccl-tests-parse.js';
import { checkFlowsFile, fail, writeFileWhole } from './fail.js';

export const CALIBRATE_USAGE = `fabsim calibrate NCCL-TESTS.txt --spec SPEC [--out OVERRIDE.yaml] [--json]

  fits per-hop latency (topology.linkDelayNs), per-message NIC/software overhead (the
  fabric's nicOverheadNs) and effective link rate (topology.linkGbps) so that the spec's
  first collective on its first fabric, simulated at each size of a measured nccl-tests
  table (out-of-place time), matches it; prints the residual per size
  --spec SPEC  the experiment whose topology, fabric and collective were measured
  --out FILE   write the fitted values as YAML to merge into specs
  --json       print the fit as JSON`;

export interface CalibrateOptions {
  spec?: string;
  out?: string;
  json?: boolean;
}

/** The largest nccl-tests output read (a full 8 B..16 GB sweep with NCCL_DEBUG=INFO lines is a few MB). */
const MAX_TABLE_BYTES = 2 ** 26;

const percent = (x: number): string => `${x > -5e-5 ? '+' : '−'}${Math.abs(100 * x).toFixed(2)}%`;
const gain = (g: number): string => (Number.isFinite(g) ? `±${g.toFixed(g < 10 ? 1 : 0)}% per 1% noise` : 'held');

/** The values as a spec writes them: 0.1 ns, 0.01 Gb/s. */
function rounded(p: CalibrationParams): CalibrationParams {
  const r = (x: number, step: number) => Math.round(x / step) * step;
  return { linkDelayNs: Number(r(p.linkDelayNs, 0.1).toFixed(1)), nicOverheadNs: Number(r(p.nicOverheadNs, 0.1).toFixed(1)), linkGbps: Number(r(p.linkGbps, 0.01).toFixed(2)) };
}

function describe(setup: CurveSetup): string {
  const w = setup.workload as { kind: string; algorithm?: string };
  return `${w.kind}${w.algorithm ? ` (${w.algorithm})` : ''} on ${setup.fabric.name ?? setup.fabric.preset}`;
}

function formatFit(fit: Calibration, title: string): string {
  const p = rounded(fit.params);
  const rows = fit.points.map(
    (q) => `${String(q.sizeBytes).padStart(12)}  ${q.timeUs.toFixed(2).padStart(12)}  ${q.simulatedUs.toFixed(2).padStart(12)}  ${percent(q.residual).padStart(9)}`,
  );
  return [
    `# ${title}`,
    `# ${'size (B)'.padStart(10)}  ${'measured us'.padStart(12)}  ${'fabsim us'.padStart(12)}  ${'residual'.padStart(9)}`,
    ...rows,
    `# rms residual ${(100 * fit.rmsResidual).toFixed(2)}% over ${fit.points.length} sizes (${fit.curves} simulated curves)`,
    `# linkDelayNs   ${String(p.linkDelayNs).padStart(10)}  (${gain(fit.noiseGain.linkDelayNs)})`,
    `# nicOverheadNs ${String(p.nicOverheadNs).padStart(10)}  (${gain(fit.noiseGain.nicOverheadNs)})`,
    `# linkGbps      ${String(p.linkGbps).padStart(10)}  (${gain(fit.noiseGain.linkGbps)})`,
    ...(fit.held.includes('nicOverheadNs')
      ? ['# nicOverheadNs held at the spec\'s value: on this collective one message per step crosses paths of one length, so overhead and per-hop latency add alike and the curve cannot tell them apart']
      : []),
  ].join('\n');
}

/** The override file: the fitted topology fields and the first fabric with its overhead, checked against the spec. */
function overrideYaml(fit: Calibration, setup: CurveSetup, header: string, specPath: string): string {
  const p = rounded(fit.params);
  const topology = { linkDelayNs: p.linkDelayNs, linkGbps: p.linkGbps };
  const fabric = { ...setup.fabric, nicOverheadNs: p.nicOverheadNs };
  // The fitted values must make a valid spec (a longer cable needs more PFC headroom, say).
  const doc = readSpecDocument(specPath);
  const checked = { ...doc, topology: { ...(doc.topology as object), ...topology }, fabrics: [fabric] };
  let note = '';
  try {
    validateSpec(checked);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    note = `# Warning: with these values the spec is refused: ${error.message}\n`;
  }
  return `${header}${note}${stringify({ topology, fabric })}`;
}

/** `fabsim calibrate`: a measured nccl-tests table in, the fitted fabric out. */
export function calibrateCommand(tablePath: string, options: CalibrateOptions): void {
  if (options.spec === undefined) fail('--spec: give the spec whose topology, fabric and collective the nccl-tests run measured (see --help)');
  checkFlowsFile(options.out, '--out');
  try {
    const table = parseNcclTests(readUserFile(tablePath, { field: 'calibrate', maxBytes: MAX_TABLE_BYTES }), tablePath);
    const spec = loadSpec(options.spec);
    const setup = curveSetup(spec);
    const ranks = (setup.workload as { ranks?: number }).ranks ?? spec.topology.gpus;
    if (table.ranks !== undefined && table.ranks !== ranks)
      process.stderr.write(`fabsim: note: ${tablePath} lists ${table.ranks} ranks, the spec's ${setup.workload.kind} runs on ${ranks}\n`);
    process.stderr.write(`fabsim: calibrating ${describe(setup)} to ${table.rows.length} sizes of ${tablePath}\n`);
    const fit = fitCurve(setup, table.rows.map((r) => ({ sizeBytes: r.sizeBytes, timeUs: r.timeUs })));
    const title = `fabsim calibrate ${tablePath} --spec ${options.spec}: ${describe(setup)}`;
    if (options.out !== undefined) {
      const header = `# ${title}\n# rms residual ${(100 * fit.rmsResidual).toFixed(2)}% over ${fit.points.length} sizes. Put topology's fields into a spec's topology and fabric into its fabrics.\n`;
      writeFileWhole(options.out, overrideYaml(fit, setup, header, options.spec));
    }
    process.stdout.write(options.json ? `${JSON.stringify({ ...fit, fitted: rounded(fit.params) }, null, 2)}\n` : `${formatFit(fit, title)}\n`);
  } catch (error) {
    if (error instanceof SpecError) fail(error.message);
    throw error;
  }
}
