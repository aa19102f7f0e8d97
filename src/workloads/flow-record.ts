/** One message of synthetic traffic and when it completed: what `--flows` writes. */
export interface FlowRecord {
  src: number;
  dst: number;
  sizeBytes: number;
  /** When it was posted to the NIC. */
  startPs: number;
  /** Posted to its last byte delivered in order; NaN while it is not complete. */
  fctPs: number;
}

/** A workload that keeps one record per message (permutation, incast, matrix). */
export interface RecordsFlows {
  flowRecords(): readonly FlowRecord[];
}

export function recordsFlows(workload: object): workload is RecordsFlows {
  return typeof (workload as Partial<RecordsFlows>).flowRecords === 'function';
}
