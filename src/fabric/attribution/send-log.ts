/**
 * What a flow's sender did with each sequence number, kept only when a run asks where the
 * time goes: when it first went out, when it was first resent, and how the gap before its
 * first transmission splits. The gap of a packet runs from the first transmission of the
 * packet before it, or from its message's post if the flow was idle then (that packet had
 * left), so the gaps from a message's post add up to the time to its packets' first
 * transmissions; a message posted behind the flow's earlier one takes the earlier one's gaps
 * after its post as its own (the causes that held those packets held it).
 *
 * A gap splits, in this order: the previous packet's serialization at the NIC (the port
 * was busy with this flow anyway); then the congestion-control pacer's gap beyond line
 * rate (Throttled); then time its window was full (WindowFull); then time the NIC's port was
 * PAUSEd; the rest waited behind other queue pairs on the port (QueueNic).
 */
export class FlowSendLog {
  /** Sequence number of index 0 of the arrays. */
  base = 0;
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
    if (start !== undefined) this.starts.delete(psn);
    const i = psn - this.base;
    const hasPrev = i > 0 && i - 1 < this.sentPs.length;
    let gapStartPs: number;
    let prevSerPs = 0;
    let pausedBeforePs: number;
    let blockedBeforePs: number;
    let lineReadyPs: number;
    // A message posted while the flow's previous packet was still leaving continues its gaps.
    const idleAtPost = start !== undefined && (!hasPrev || this.sentPs[i - 1]! + this.serPs[i - 1]! <= start.postedPs);
    if (idleAtPost || !hasPrev) {
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

  /** The gap of `psn` (its first transmission) in all, and when it started. */
  gapPs(i: number): number {
    return this.gapSerPs[i]! + this.gapThrottledPs[i]! + this.gapWindowPs[i]! + this.gapPausedPs[i]! + this.gapQueuedPs[i]!;
  }

  /** The first sequence number logged that went out after `ps` (or one past the last). */
  firstSentAfter(ps: number): number {
    let lo = 0;
    let hi = this.sentPs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sentPs[mid]! > ps) hi = mid;
      else lo = mid + 1;
    }
    return this.base + lo;
  }

  /** No message posted before `ps` is waiting for delivery: records of what went out before are no longer needed (the last is kept). */
  forgetSentBefore(ps: number): void {
    const drop = Math.min(this.firstSentAfter(ps) - this.base, this.sentPs.length - 1);
    if (drop < 4096 || drop * 2 < this.sentPs.length) return;
    for (const a of [this.sentPs, this.retxPs, this.serPs, this.gapSerPs, this.gapThrottledPs, this.gapWindowPs, this.gapPausedPs, this.gapQueuedPs])
      a.splice(0, drop);
    this.base += drop;
  }
}
