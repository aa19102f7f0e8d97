import type { FailureEvent } from '../../fabric/index.js';

/** A labelled instant on a time axis (a failure event), drawn as a vertical mark. */
export interface TimeMark {
  atUs: number;
  label: string;
}

/** What a failure event names, as a reader says it: "spine 3 port 7 down", "2% of spine links down". */
export function failureLabel(f: FailureEvent): string {
  const state = f.state === 'degraded' ? `degraded to ${f.rateGbps} Gb/s` : f.state;
  if ('link' in f) return `${f.link.tier} ${f.link.switch} port ${f.link.port} ${state}`;
  if ('switch' in f) return `${f.switch.tier} ${f.switch.index} ${state}`;
  return `${f.random.linksPercent}% of ${f.random.tier} links ${state}`;
}

/** One mark per instant with failures, their labels joined (several events at once share a line). */
export function failureMarks(failures: readonly FailureEvent[] | undefined): TimeMark[] {
  const byTime = new Map<number, string[]>();
  for (const f of failures ?? []) byTime.set(f.atUs, [...(byTime.get(f.atUs) ?? []), failureLabel(f)]);
  return [...byTime].sort(([a], [b]) => a - b).map(([atUs, labels]) => ({ atUs, label: labels.join('; ') }));
}
