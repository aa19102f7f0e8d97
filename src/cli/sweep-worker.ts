/** A worker thread of `fabsim sweep`: runs the points it is sent, one at a time. */
import { parentPort } from 'node:worker_threads';
import { runExperiment, validateSpec } from '../experiment/index.js';

parentPort!.on('message', ({ index, document }: { index: number; document: Record<string, unknown> }) => {
  const result = runExperiment(validateSpec(document));
  parentPort!.postMessage({ index, result });
});
