/** How one thread's partition hands a window's packets to another and takes theirs: one message per peer per round. */
export interface PeerExchange {
  post(peer: number, data: Float64Array): void;
  /** This round's message from `peer` (it has posted it: the round's barrier is behind). */
  receive(peer: number): Float64Array;
}

/** Every part in one thread (tests, and the lockstep driver): mailboxes in memory. */
export class MemoryExchange implements PeerExchange {
  constructor(
    private readonly boxes: Float64Array[][][],
    private readonly self: number,
  ) {}

  /** Mailboxes for `parts` parts: boxes[from][to] is a FIFO. */
  static boxes(parts: number): Float64Array[][][] {
    return Array.from({ length: parts }, () => Array.from({ length: parts }, () => []));
  }

  post(peer: number, data: Float64Array): void {
    this.boxes[this.self]![peer]!.push(data);
  }

  receive(peer: number): Float64Array {
    const data = this.boxes[peer]![this.self]!.shift();
    if (data === undefined) throw new Error(`memory exchange: nothing from part ${peer}`);
    return data;
  }
}
