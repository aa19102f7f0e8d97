import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { interrupted, LONG_RUN_SPEC } from './interrupt-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'fabsim-interrupt-'));

// LONG_RUN_SPEC: an interrupt after 1.5 s lands mid-run; one run at a time (--jobs 1), the
// second fabric must then never start; two at a time, both stop mid-run.

describe('Ctrl-C', () => {
  it('stops the run, prints and writes the partial results marked partial, and exits 130', async () => {
    const spec = join(dir, 'long.yaml');
    writeFileSync(spec, LONG_RUN_SPEC);
    const out = join(dir, 'out');
    const r = await interrupted(['run', spec, '--json', '--out', out, '--jobs', '1'], 1500, 'spawn');

    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    expect(r.afterSignalMs).toBeLessThan(5000);
    expect(r.stderr).toMatch(/interrupted/);

    const printed = JSON.parse(r.stdout);
    const written = JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'));
    expect(written).toEqual(printed);
    expect(written.partial).toBe(true);
    expect(written.results).toHaveLength(1);
    const [row] = written.results;
    expect(row).toMatchObject({ fabric: 'ethernet+spray', completed: false });
    expect(row.completionUs).toBeGreaterThan(0);
    expect(row.bytesSent).toBeGreaterThan(0);
    expect(row.bytesDelivered).toBeLessThan(128 * 8 * 2 ** 20);
    // The time series runs up to where the simulation stopped.
    expect(row.detail.timeSeries.tUs.at(-1)).toBeCloseTo(row.completionUs, 3);

    expect(readdirSync(out).sort()).toEqual(['report.html', 'result.csv', 'result.json']);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/Partial results/);
    expect(readFileSync(join(out, 'result.csv'), 'utf8').trim().split('\n')).toHaveLength(2);
  }, 30_000);

  it('without --json, the table marks the row and says the results are partial', async () => {
    const spec = join(dir, 'long-table.yaml');
    writeFileSync(spec, LONG_RUN_SPEC);
    const r = await interrupted(['run', spec, '--jobs', '1'], 1500, 'spawn');
    expect(r.code).toBe(130);
    expect(r.stdout).toMatch(/^ethernet\+spray +>/m);
    expect(r.stdout).toMatch(/partial results: interrupted/);
  }, 30_000);

  it('with --jobs 2, stops both runs running: two partial rows in spec order, their time series up to where each stopped', async () => {
    const spec = join(dir, 'long-parallel.yaml');
    // Two long runs (~10 s each alone): LONG_RUN_SPEC's second, plain ECMP, ends within a second.
    writeFileSync(spec, LONG_RUN_SPEC.replace('fabrics: [{ preset: ethernet, routing: spray }, ethernet]', 'fabrics: [{ preset: ethernet, routing: spray }, { preset: roce, routing: spray }]'));
    const out = join(dir, 'out-parallel');
    // From the first line: the worker's run must have started (it boots while this thread runs the first).
    const r = await interrupted(['run', spec, '--json', '--out', out, '--jobs', '2'], 3000, 'first-line');
    expect(r.code).toBe(130);
    expect(r.afterSignalMs).toBeLessThan(5000);
    const printed = JSON.parse(r.stdout);
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))).toEqual(printed);
    expect(printed.partial).toBe(true);
    expect(printed.results.map((row: { fabric: string }) => row.fabric)).toEqual(['ethernet+spray', 'roce+spray']);
    for (const row of printed.results) {
      expect(row.completed).toBe(false);
      expect(row.bytesSent).toBeGreaterThan(0);
      expect(row.bytesDelivered).toBeLessThan(128 * 8 * 2 ** 20);
      expect(row.detail.timeSeries.tUs.at(-1)).toBeCloseTo(row.completionUs, 3);
    }
  }, 30_000);
  it('with --threads 2, stops every thread after the same window: the row, its time series and the report, partial, the next run never started', async () => {
    const spec = join(dir, 'long-threads.yaml');
    writeFileSync(spec, LONG_RUN_SPEC);
    const out = join(dir, 'out-threads');
    // From the first line: the threads must have started the first run (they build it first).
    const r = await interrupted(['run', spec, '--json', '--out', out, '--threads', '2'], 3000, 'first-line');
    expect(r.code).toBe(130);
    expect(r.afterSignalMs).toBeLessThan(5000);
    expect(r.stderr).toMatch(/interrupted/);
    expect(r.stderr).toMatch(/ethernet\+spray stopped in [\d.]+ s on 2 threads/);
    const printed = JSON.parse(r.stdout);
    expect(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8'))).toEqual(printed);
    expect(printed.partial).toBe(true);
    expect(printed.results).toHaveLength(1);
    const [row] = printed.results;
    expect(row).toMatchObject({ fabric: 'ethernet+spray', completed: false });
    expect(row.bytesSent).toBeGreaterThan(0);
    expect(row.bytesDelivered).toBeLessThan(128 * 8 * 2 ** 20);
    expect(row.detail.timeSeries.tUs.at(-1)).toBeCloseTo(row.completionUs, 3);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toMatch(/Partial results/);
  }, 30_000);
});
