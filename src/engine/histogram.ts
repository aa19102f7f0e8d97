import * as hdr from 'hdr-histogram-js';

/** Points of a cumulative distribution: `fraction[i]` of the values are ≤ `value[i]`. */
export interface CdfPoints {
  fraction: number[];
  value: number[];
}

/**
 * Percent levels a CDF export evaluates: 0 (the minimum), every percent, then finer in the
 * tail (the p99.9 a report marks must be a point of the curve); 100 is the maximum.
 */
export const CDF_LEVELS: readonly number[] = [
  ...Array.from({ length: 100 }, (_, i) => i),
  ...Array.from({ length: 9 }, (_, i) => 99.1 + i / 10),
  ...Array.from({ length: 9 }, (_, i) => 99.91 + i / 100),
  100,
].map((p) => Number(p.toFixed(2)));

export interface Percentiles {
  p50: number;
  p99: number;
  p999: number;
  max: number;
  count: number;
}

/**
 * A latency histogram with 3 significant digits (HdrHistogram), recording integer
 * values (fabsim records nanoseconds). Memory stays constant however many samples arrive.
 */
export class LatencyHistogram {
  private readonly histogram = hdr.build({
    bitBucketSize: 64,
    autoResize: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 2,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });

  // Runs of one value are recorded once with their count (the same counts, min and max as
  // one record per sample): the flow model records a sample per message, mostly equal ones.
  private runValue = 0;
  private runCount = 0;

  record(value: number): void {
    const v = Math.max(1, Math.round(value));
    if (v === this.runValue) {
      this.runCount++;
      return;
    }
    this.flush();
    this.runValue = v;
    this.runCount = 1;
  }

  private flush(): void {
    if (this.runCount > 0) this.histogram.recordValueWithCount(this.runValue, this.runCount);
    this.runCount = 0;
    this.runValue = 0;
  }

  get count(): number {
    this.flush();
    return this.histogram.totalCount;
  }

  /** The recorded counts, compact, for another thread to add (`addEncoded`): merged, the counts are those of one histogram fed every sample. */
  encode(): string {
    this.flush();
    return `${this.histogram.totalCount === 0 ? 0 : this.histogram.maxValue}:${hdr.encodeIntoCompressedBase64(this.histogram)}`;
  }

  /** Adds an `encode`d histogram; the max stays exact (decoded counts only know their bucket). */
  addEncoded(encoded: string): void {
    this.flush();
    const colon = encoded.indexOf(':');
    this.histogram.add(hdr.decodeFromCompressedBase64(encoded.slice(colon + 1), 64, false));
    this.mergedMax = Math.max(this.mergedMax, Number(encoded.slice(0, colon)));
  }

  /** Exact max of the histograms added (−1: none), what `max` reports then: a histogram merged into records nothing itself. */
  private mergedMax = -1;

  private get maxValue(): number {
    return this.mergedMax >= 0 ? this.mergedMax : this.histogram.maxValue;
  }

  percentile(p: number): number {
    return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(p);
  }

  /**
   * The distribution at `levels` (percent), from the same percentile function as
   * `percentiles()`, so its p50/p99/p99.9 points are exactly those; level 100 is the max.
   */
  cdf(levels: readonly number[] = CDF_LEVELS): CdfPoints {
    if (this.count === 0) return { fraction: [], value: [] }; // (count flushes the pending run)
    return {
      fraction: levels.map((p) => Number((p / 100).toFixed(6))),
      value: levels.map((p) => (p >= 100 ? this.maxValue : this.histogram.getValueAtPercentile(p))),
    };
  }

  percentiles(): Percentiles {
    return {
      p50: this.percentile(50),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.count === 0 ? 0 : this.maxValue,
      count: this.count,
    };
  }
}
