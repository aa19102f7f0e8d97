import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { loadSpec, runExperimentLive } from '../src/experiment/index.js';
import { writeResults } from '../src/report/index.js';

// Debian's Chromium (.ci/run installs it); CHROMIUM_PATH points elsewhere if needed.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const found = existsSync(CHROMIUM);
if (!found) console.warn(`browser test skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

// The report of the main experiment (what `npm start -- --out DIR` writes): every kind of
// chart, for two workloads and three fabrics. On 128 of its 512 GPUs (4 leaves, the same
// 64-rank ring) and a 4 MiB ring instead of 16 MiB: the same 62 charts (66 paths) for a
// quarter of the permutation's packets and of the ring's, so the test stays far from its
// timeout on a loaded machine.
const MAIN = 'experiments/spectrum-x-vs-ethernet.yaml';
const main = loadSpec(MAIN);
const ringOf4MiB = main.workload.map((w, i) => (i === 0 ? { ...w, bytes: 4 * 2 ** 20 } : w));
const experiment = { ...main, topology: { ...main.topology, gpus: 128 }, workload: ringOf4MiB };

describe('the report in a browser', () => {
  it.skipIf(!found)(
    `opens in headless Chromium without console errors, every chart drawn at a non-zero size${found ? '' : ` (skipped: no Chromium at ${CHROMIUM})`}`,
    async () => {
      // A kept screenshot goes where the run's own temp folder (removed at its end) does not.
      const dir = mkdtempSync(join(process.env.KEEP_SCREENSHOT ? (process.env.FABSIM_OUTER_TMPDIR ?? tmpdir()) : tmpdir(), 'fabsim-browser-'));
      const out = join(dir, 'out');
      writeResults(out, await runExperimentLive(experiment), { specText: readFileSync(MAIN, 'utf8'), specPath: MAIN });
      const page = join(out, 'report.html');
      const chartsInPage = (readFileSync(page, 'utf8').match(/<svg /g) ?? []).length;

      const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
        viewport: { width: 1400, height: 900 },
      });
      try {
        const tab = await context.newPage();
        const errors: string[] = [];
        const requests: string[] = [];
        tab.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
        tab.on('pageerror', (e) => errors.push(String(e)));
        tab.on('request', (r) => requests.push(r.url()));
        await tab.goto(pathToFileURL(page).href, { waitUntil: 'load' });

        const sizes = await tab.$$eval('svg.chart', (svgs) =>
          svgs.map((s) => {
            const box = s.getBoundingClientRect();
            return { chart: s.getAttribute('data-chart'), width: box.width, height: box.height };
          }),
        );
        expect(sizes).toHaveLength(chartsInPage);
        expect(new Set(sizes.map((s) => s.chart))).toEqual(new Set(['bar', 'cdf', 'time-series', 'heat-map']));
        for (const s of sizes) {
          expect(s.width, `${s.chart} width`).toBeGreaterThan(0);
          expect(s.height, `${s.chart} height`).toBeGreaterThan(0);
        }
        // Lines were laid out: a drawn path has a real extent.
        const pathWidths = await tab.$$eval('svg.chart .lines path', (paths) => paths.map((p) => (p as SVGPathElement).getBBox().width));
        expect(pathWidths.filter((w) => w > 0).length).toBeGreaterThan(pathWidths.length / 2);

        const shot = join(dir, 'report.png');
        await tab.screenshot({ path: shot, fullPage: true });
        expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
        expect(errors).toEqual([]);
        expect(requests.every((url) => url.startsWith('file:'))).toBe(true);
      } finally {
        await context.close();
        if (!process.env.KEEP_SCREENSHOT) rmSync(dir, { recursive: true, force: true });
        else console.log(`screenshot kept in ${dir}`);
      }
    },
    180_000,
  );
});
