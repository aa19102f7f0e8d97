import * as hdr from 'hdr-histogram-js';

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

  record(value: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(value)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  percentile(p: number): number {
    return this.count === 0 ? 0 : this.histogram.getValueAtPercentile(p);
  }

  percentiles(): Percentiles {
    return {
      p50: this.percentile(50),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.count === 0 ? 0 : this.histogram.maxValue,
      count: this.count,
    };
  }
}
