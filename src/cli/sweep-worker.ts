/** A worker thread of `fabsim sweep`: runs the points it is sent, one at a time, with the runner every entry point uses. */
import { parentPort } from 'node:worker_threads';
import { runExperiment, SpecError, validateSpec } from '../experiment/index.js';

parentPort!.on('message', ({ index, document }: { index: number; document: Record<string, unknown> }) => {
  try {
    parentPort!.postMessage({ index, result: runExperiment(validateSpec(document)) });
  } catch (error) {
    // Bad input goes back as its one line; anything else is a bug and keeps its stack.
    if (!(error instanceof SpecError)) throw error;
    parentPort!.postMessage({ index, specError: error.message });
  }
});
