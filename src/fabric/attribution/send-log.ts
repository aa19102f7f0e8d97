/**
 * What a flow's sender did with each sequence number, kept only when a run asks where the
 * time goes: when it first went out, when it was first resent, and how the gap before its
 * first transmission splits. The gap of a message's first packet runs from the post; of
 * any other, from the first transmission of the packet before it, so a message's gaps add
 * up to the time from its post to its last packet's first transmission.
 *
 * A gap splits, in this order: the previous packet's serialization at the NIC (the port
 * was busy with this flow anyway); then the congestion-control pacer's gap beyond line
 * rate (Throttled); then time its window was full (WindowFull); then time the NIC's port was
 * PAUSEd; the rest waited behind other queue pairs on the port (QueueNic).
 */
export class FlowSendLog {
  /** Sequence number of index 0 of the arrays. */
  private base = 0;
  readonly sentPs: number[] = [];
  readonly retxPs: number[] = [];
  /** The NIC port's serialization of the first transmission. */
  readonly serPs: number[] = [];
  /** The gap before the first transmission: serialization, throttled, window full, paused, queued. */
  readonly gapSerPs: number[] = [];
  readonly gapThrottledPs: number[] = [];
  readonly gapWindowPs: number[] = [];
  readonly gapPausedPs: number[] = [];
  readonly gapQueuedPs: number[] = [];
  /** Time the window was full (something unsent, nothing allowed) so far, and since when it is full now (−1: it is not). */
  private blockedPs = 0;
  private blockedSincePs = -1;
  /** Paused and blocked totals at the last first transmission. */
  private lastPausedPs = 0;
  private lastBlockedPs = 0;
  /** Per message not yet started (by first sequence number): its post time and the totals then. */
  private readonly starts = new Map<number, { postedPs: number; pausedPs: number; blockedPs: number }>();

  blockedPsAt(nowPs: number): number {
    return this.blockedPs + (this.blockedSincePs >= 0 ? nowPs - this.blockedSincePs : 0);
  }

  /** The flow has something to send but its window is full. */
  block(nowPs: number): void {
    if (this.blockedSincePs < 0) this.blockedSincePs = nowPs;
  }

  /** The flow may send again. */
  unblock(nowPs: number): void {
    if (this.blockedSincePs < 0) return;
    this.blockedPs += nowPs - this.blockedSincePs;
    this.blockedSincePs = -1;
  }

  /** A message starting at `firstPsn` was posted now; `pausedPs`: the NIC port's paused total now. */
  posted(firstPsn: number, nowPs: number, pausedPs: number): void {
    this.starts.set(firstPsn, { postedPs: nowPs, pausedPs, blockedPs: this.blockedPsAt(nowPs) });
  }

  has(psn: number): boolean {
    return psn >= this.base && psn - this.base < this.sentPs.length;
  }

  at(psn: number): number {
    return psn - this.base;
  }

  /**
   * `psn` goes out for the first time now, taking `serPs` at the port; `duePs`: when the
   * pacer allowed it; `pausedPs`: the port's paused total now.
   */
  firstSend(psn: number, nowPs: number, serPs: number, duePs: number, pausedPs: number): void {
    const start = this.starts.get(psn);
    const i = psn - this.base;
    const hasPrev = i > 0 && i - 1 < this.sentPs.length;
    let gapStartPs: number;
    let prevSerPs = 0;
    let pausedBeforePs: number;
    let blockedBeforePs: number;
    let lineReadyPs: number;
    if (start !== undefined || !hasPrev) {
      this.starts.delete(psn);
      gapStartPs = start?.postedPs ?? nowPs;
      pausedBeforePs = start?.pausedPs ?? pausedPs;
      blockedBeforePs = start?.blockedPs ?? this.blockedPsAt(nowPs);
      // At line rate it could go once posted and once the flow's previous packet has left.
      lineReadyPs = hasPrev ? Math.max(gapStartPs, this.sentPs[i - 1]! + this.serPs[i - 1]!) : gapStartPs;
    } else {
      gapStartPs = this.sentPs[i - 1]!;
      prevSerPs = this.serPs[i - 1]!;
      pausedBeforePs = this.lastPausedPs;
      blockedBeforePs = this.lastBlockedPs;
      lineReadyPs = gapStartPs + prevSerPs;
    }
    // First transmissions go out in sequence order, so this one is next in the arrays.
    while (this.sentPs.length < i) this.pushEmpty();
    const gapPs = nowPs - gapStartPs;
    const ser = Math.min(gapPs, prevSerPs);
    let rest = gapPs - ser;
    const paced = Math.min(rest, Math.max(0, duePs - lineReadyPs));
    rest -= paced;
    const blocked = Math.min(rest, Math.max(0, this.blockedPsAt(nowPs) - blockedBeforePs));
    rest -= blocked;
    const paused = Math.min(rest, Math.max(0, pausedPs - pausedBeforePs));
    rest -= paused;
    this.sentPs.push(nowPs);
    this.retxPs.push(Infinity);
    this.serPs.push(serPs);
    this.gapSerPs.push(ser);
    this.gapThrottledPs.push(paced);
    this.gapWindowPs.push(blocked);
    this.gapPausedPs.push(paused);
    this.gapQueuedPs.push(rest);
    this.lastPausedPs = pausedPs;
    this.lastBlockedPs = this.blockedPsAt(nowPs);
  }

  private pushEmpty(): void {
    for (const a of [this.sentPs, this.serPs, this.gapSerPs, this.gapThrottledPs, this.gapWindowPs, this.gapPausedPs, this.gapQueuedPs]) a.push(0);
    this.retxPs.push(Infinity);
  }

  /** `psn` is sent again now. */
  resend(psn: number, nowPs: number): void {
    const i = psn - this.base;
    if (i >= 0 && i < this.retxPs.length && this.retxPs[i] === Infinity) this.retxPs[i] = nowPs;
  }

  /** Every message below `psn` is delivered: its records are no longer needed. */
  forgetBelow(psn: number): void {
    const drop = Math.min(psn - this.base, this.sentPs.length - 1);
    if (drop < 4096 || drop * 2 < this.sentPs.length) return;
    for (const a of [this.sentPs, this.retxPs, this.serPs, this.gapSerPs, this.gapThrottledPs, this.gapWindowPs, this.gapPausedPs, this.gapQueuedPs])
      a.splice(0, drop);
    this.base += drop;
  }
}
