import { describe, expect, it } from 'vitest';
import { runExperimentLive } from '../src/experiment/index.js';
import { formatAttributionTable, formatJson, renderReport } from '../src/report/index.js';
import { spec } from './helpers.js';

const explained = (explain: boolean) =>
  runExperimentLive(
    spec({
      topology: { kind: 'leaf-spine', gpus: 8, gpusPerLeaf: 4, linkGbps: 100, linkDelayNs: 200 },
      fabrics: ['ethernet', 'spectrum-x'],
      workload: [
        { kind: 'allreduce', bytes: '128KiB' },
        { kind: 'incast', senders: 4, bytes: '64KiB' },
      ],
    }),
    { sampling: 'off', explain },
  );

describe('where the time goes, reported', () => {
  it('the table has a row per fabric and workload whose columns add up to its total, and the costliest links', async () => {
    const result = await explained(true);
    const lines = formatAttributionTable(result).split('\n');
    expect(lines[0]).toMatch(/^Where the time goes/);
    const header = lines[1]!.trim().split(/\s{2,}/);
    expect(header.slice(0, 4)).toEqual(['fabric', 'what', 'total', 'serialization']);
    const rows = lines.slice(2).filter((l) => !l.startsWith('  top links'));
    expect(rows.length).toBe(4);
    for (const row of rows) {
      const cells = row.trim().split(/\s{2,}/);
      const [total, ...parts] = cells.slice(2).map(Number);
      // Each cell is rounded to 0.01 µs: the sum may drift by half a hundredth per column.
      expect(Math.abs(parts.reduce((a, b) => a + b, 0) - total!)).toBeLessThanOrEqual(0.005 * parts.length);
    }
    expect(lines.filter((l) => l.startsWith('  top links: ')).length).toBe(4);
    expect(JSON.parse(formatJson(result)).results[0].attribution[0].label).toBe('workload');
  });

  it('the report draws a stacked bar per fabric whose segments add up to the completion time; without --explain, none', async () => {
    const result = await explained(true);
    const html = renderReport(result);
    const charts = html.split('data-chart="attribution"').length - 1;
    expect(charts).toBe(2);
    const first = html.slice(html.indexOf('data-chart="attribution"'));
    const bar = first.slice(first.indexOf('<g class="bar"'), first.indexOf('</g>', first.indexOf('<g class="bar"')));
    const total = Number(/data-value="(\d+)"/.exec(bar)![1]);
    const segments = [...bar.matchAll(/data-ps="(\d+)"/g)].map((m) => Number(m[1]));
    expect(segments.reduce((a, b) => a + b, 0)).toBe(total);
    expect(total).toBe(result.results[0]!.attribution![0]!.completionPs);
    const plain = await explained(false);
    expect(renderReport(plain)).not.toContain('data-chart="attribution"');
    expect(formatAttributionTable(plain)).toBe('');
  });
});
