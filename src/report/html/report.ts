import type { ExperimentResult, FabricResult } from '../../experiment/index.js';
import { attributionChart } from './attribution-chart.js';
import { barChart } from './bar-chart.js';
import { cdfChart, MARKED_PERCENTILES } from './cdf-chart.js';
import { failureMarks, type TimeMark } from './failure-marks.js';
import { heatMap } from './heat-map.js';
import { seriesColor } from './palette.js';
import { esc } from './svg.js';
import { STYLE } from './style.js';
import { timeSeriesGrid } from './time-series.js';

export interface ReportSource {
  /** The spec as the user wrote it (shown verbatim so a reader can rerun it). */
  specText?: string;
  specPath?: string;
}

const fixed = (digits: number) => (x: number) => x.toFixed(digits);
const cell = (text: string | number, tag = 'td') => `<${tag}>${esc(text)}</${tag}>`;
const swatch = (color: string) => `<span class="swatch" style="background:${color}"></span>`;

/** The results grouped by workload, in the order they ran. */
function byWorkload(results: FabricResult[]): [string, FabricResult[]][] {
  const groups = new Map<string, FabricResult[]>();
  for (const r of results) groups.set(r.workload, [...(groups.get(r.workload) ?? []), r]);
  return [...groups];
}

function summaryTable(rows: FabricResult[], color: (fabric: string) => string): string {
  const head = ['fabric', 'time (µs)', 'algbw (GB/s)', 'busbw (GB/s)', 'eff. bw', 'p50 lat (µs)', 'p99 lat (µs)', 'p99.9 lat (µs)', 'p99 fct (µs)', 'drops', 'retx', 'pauses', 'ECN marks', 'events'];
  const body = rows.map((r) =>
    [
      `<td>${swatch(color(r.fabric))}${esc(r.fabric)}</td>`,
      cell((r.completed ? '' : '>') + fixed(1)(r.completionUs)),
      cell(fixed(2)(r.algbwGBps)),
      cell(fixed(2)(r.busbwGBps)),
      cell(`${(r.effectiveBandwidth * 100).toFixed(1)}%`),
      cell(fixed(2)(r.latencyUs.p50)),
      cell(fixed(2)(r.latencyUs.p99)),
      cell(fixed(2)(r.latencyUs.p999)),
      cell(fixed(1)(r.fctUs.p99)),
      cell(r.drops),
      cell(r.retransmits),
      cell(r.pfcPauses),
      cell(r.ecnMarks),
      cell(r.events),
    ].join(''),
  );
  return `<table class="summary"><tr>${head.map((h) => cell(h, 'th')).join('')}</tr>${body.map((b) => `<tr>${b}</tr>`).join('')}</table>`;
}

/** The marked percentiles of each fabric, read off the same points the chart draws. */
function percentileTable(rows: FabricResult[], pick: (r: FabricResult) => { fraction: number[]; us: number[] }, color: (f: string) => string): string {
  const head = `<tr>${cell('fabric', 'th')}${MARKED_PERCENTILES.map((p) => cell(`${p.name} (µs)`, 'th')).join('')}</tr>`;
  const body = rows.map((r) => {
    const cdf = pick(r);
    const at = (fraction: number) => {
      const i = cdf.fraction.indexOf(fraction);
      return i < 0 ? '–' : String(cdf.us[i]);
    };
    return `<tr><td>${swatch(color(r.fabric))}${esc(r.fabric)}</td>${MARKED_PERCENTILES.map((p) => cell(at(p.fraction))).join('')}</tr>`;
  });
  return `<table class="percentiles">${head}${body.join('')}</table>`;
}

function workloadSection(label: string, index: number, rows: FabricResult[], color: (fabric: string) => string, marks: readonly TimeMark[]): string {
  const id = { 'data-workload': index };
  const bars = [
    barChart({
      title: 'completion time',
      xLabel: 'µs (hollow: did not finish)',
      bars: rows.map((r) => ({ label: r.fabric, value: r.completionUs, color: color(r.fabric), text: `${r.completed ? '' : '>'}${r.completionUs.toFixed(1)} µs`, hollow: !r.completed })),
      attrs: { ...id, 'data-metric': 'completion' },
    }),
    barChart({
      title: 'effective bandwidth (scale-out utilization: least scale-out time / time)',
      xLabel: '% of line rate',
      bars: rows.map((r) => ({ label: r.fabric, value: r.effectiveBandwidth * 100, color: color(r.fabric), text: `${(r.effectiveBandwidth * 100).toFixed(1)}%`, hollow: !r.completed })),
      max: 100,
      attrs: { ...id, 'data-metric': 'effective-bandwidth' },
    }),
  ];
  const detailed = rows.filter((r) => r.detail !== undefined);
  const parts = [`<h2>${esc(label)}</h2>`, summaryTable(rows, color), `<div class="row">${bars.map((b) => `<figure>${b}</figure>`).join('')}</div>`];
  const explained = attributionChart(rows, { ...id, 'data-metric': 'attribution' });
  if (explained !== null) parts.push('<h3>Where the time goes</h3>', `<figure>${explained}${topLinksList(rows)}</figure>`);
  if (detailed.length === 0) {
    parts.push('<p class="note">No distributions or time series: the run was not sampled.</p>');
    return `<section class="workload" data-workload="${index}">${parts.join('')}</section>`;
  }
  const cdfs = [
    { title: 'packet latency (NIC to NIC)', xLabel: 'latency (µs, log)', metric: 'latency', pick: (r: FabricResult) => r.detail!.latencyCdf },
    { title: 'message completion time', xLabel: 'completion time (µs, log)', metric: 'fct', pick: (r: FabricResult) => r.detail!.fctCdf },
  ].map(
    (c) =>
      `<figure>${cdfChart({
        title: c.title,
        xLabel: c.xLabel,
        series: detailed.map((r) => ({ name: r.fabric, color: color(r.fabric), cdf: c.pick(r) })),
        attrs: { ...id, 'data-metric': c.metric },
      })}${percentileTable(detailed, c.pick, color)}</figure>`,
  );
  parts.push('<h3>Distributions</h3>', `<div class="row">${cdfs.join('')}</div>`);
  parts.push(
    '<h3>Over time</h3>',
    timeSeriesGrid(
      detailed.map((r) => ({ fabric: r.fabric, color: color(r.fabric), series: r.detail!.timeSeries, flowModel: r.model === 'flow' })),
      id,
      marks,
    ),
  );
  if (marks.length > 0) parts.push(`<ol class="note x-marks">${marks.map((m) => `<li>${esc(m.label)} at ${esc(m.atUs)} µs</li>`).join('')}</ol>`);
  parts.push('<h3>Link utilization (busy time over the workload’s time)</h3>', linkGrid(detailed, index));
  return `<section class="workload" data-workload="${index}">${parts.join('')}</section>`;
}

/** The five links that cost each explained row most. */
function topLinksList(rows: FabricResult[]): string {
  const items = rows.flatMap((r) =>
    (r.attribution ?? []).map(
      (a) =>
        `<li>${esc(a.label === 'workload' ? r.fabric : `${r.fabric} · ${a.label}`)}: ${a.topLinks.map((l) => `${esc(l.link)} ${(l.ps / 1e6).toFixed(2)} µs`).join(', ')}</li>`,
    ),
  );
  return `<ul class="note">${items.join('')}</ul>`;
}

/** Heat-maps, one column per fabric, one row per tier and direction. */
function linkGrid(rows: FabricResult[], index: number): string {
  const groups = rows[0]!.detail!.links.map((g) => `${g.tier}/${g.direction}`);
  // An NVSwitch tier (a server's scale-up domain) sits beside the fabric tiers, not above them.
  const tiers = [...new Set(rows[0]!.detail!.links.map((g) => g.tier))].filter((t) => t !== 'nvlink');
  const towards = (tier: string, direction: 'up' | 'down'): string => {
    if (tier === 'nvlink') return 'the GPUs';
    const next = tiers[tiers.indexOf(tier) + (direction === 'up' ? 1 : -1)];
    return next === undefined ? (direction === 'up' ? 'the next tier' : 'the hosts') : `the ${next === 'leaf' ? 'leaves' : `${next}s`}`;
  };
  const head = rows.map((r) => `<div class="column-head">${esc(r.fabric)}</div>`).join('');
  const cells = groups.flatMap((key) =>
    rows.map((r) => {
      const g = r.detail!.links.find((l) => `${l.tier}/${l.direction}` === key);
      if (g === undefined) return '<div></div>';
      const below = g.direction === 'up' ? 'uplink' : 'downlink';
      return heatMap({
        title: `${g.tier} ${below}s (towards ${towards(g.tier, g.direction)})`,
        columnLabel: below,
        rowLabels: g.switches,
        matrix: g.utilization,
        attrs: { 'data-workload': index, 'data-fabric': r.fabric, 'data-links': key },
      });
    }),
  );
  return `<div class="grid" style="grid-template-columns: repeat(${rows.length}, max-content)">${head}${cells.join('')}</div>`;
}

function describe(record: Record<string, unknown>): string {
  return Object.entries(record)
    .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');
}

/**
 * The experiment as a self-contained HTML page: inline SVG and CSS, no script and no
 * network. It is a function of the result (and the spec text) only, so the same spec and
 * seed give the same page; wall-clock times are left out for that reason.
 */
export function renderReport(result: ExperimentResult, source: ReportSource = {}): string {
  const fabrics = [...new Set(result.results.map((r) => r.fabric))];
  const color = (fabric: string) => seriesColor(fabrics.indexOf(fabric));
  const marks = failureMarks(result.failures);
  const sections = byWorkload(result.results).map(([label, rows], i) => workloadSection(label, i, rows, color, marks));
  const partial = result.partial
    ? '<p class="partial"><strong>Partial results:</strong> the run was interrupted. Rows marked &gt; did not finish; runs after them did not start.</p>'
    : '';
  const command = `npx tsx src/cli.ts run ${source.specPath ?? 'SPEC'} --seed ${result.seed}`;
  const spec = source.specText === undefined ? '' : `<p>The spec as given:</p><pre>${esc(source.specText)}</pre>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(result.experiment)} · fabsim</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${esc(result.experiment)}</h1>
<p class="meta">seed ${result.seed} · ${esc(describe(result.topology))}</p>
<p class="meta">fabrics: ${fabrics.map((f) => `${swatch(color(f))}${esc(f)}`).join(' &nbsp; ')}</p>
${partial}
</header>
${sections.join('\n')}
<section class="reproduce">
<h2>Reproduce</h2>
<p>Seed <strong>${result.seed}</strong>. The same spec and seed give the same numbers: <code>${esc(command)}</code></p>
${spec}
<details><summary>Topology and workload as run (defaults filled in)</summary><pre>${esc(JSON.stringify({ topology: result.topology, workload: result.workload }, null, 2))}</pre></details>
</section>
</body>
</html>
`;
}
