import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The slowest test files, slowest first (a full run on 2 cores, vitest's per-file durations).
 * Vitest starts the files it has durations for longest first, but a fresh checkout (CI after
 * npm ci) has none and starts the largest files first: a slow short file such as the browser
 * test can then start last and run alone on one core. Refresh when the slowest files change.
 */
const SLOWEST_FIRST = [
  'tests/collectives.test.ts',
  'tests/browser.test.ts',
  'tests/cli.test.ts',
  'tests/jobs.test.ts',
  'tests/flow-model-validation.test.ts',
  'tests/alpha-beta-hierarchical.test.ts',
  'tests/bundled-cli.test.ts',
  'tests/queueing.test.ts',
  'tests/interrupt.test.ts',
  'tests/process-life.test.ts',
  'tests/sweep.test.ts',
  'tests/flow-model-network.test.ts',
];

/** Vitest's order when it knows every file's last duration; otherwise the files above first. */
export default class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const path = (file: TestSpecification) => relative(this.ctx.config.root, file.moduleId).replaceAll('\\', '/');
    if (sorted.every((file) => this.ctx.cache.getFileTestResults(`${file.project.name}:${path(file)}`) !== undefined)) return sorted;
    const rank = (file: TestSpecification) => {
      const i = SLOWEST_FIRST.indexOf(path(file));
      return i === -1 ? SLOWEST_FIRST.length : i;
    };
    return sorted.sort((a, b) => rank(a) - rank(b)); // stable: vitest's order among the rest
  }
}
