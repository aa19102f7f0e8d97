import { grown } from '../../engine/index.js';

/**
 * A binary min-heap of (key, link) pairs on one growable Float64Array (each entry's key
 * and link side by side: a sift moves one array's neighbours, not two arrays'), for
 * progressive filling: the next link to saturate. Entries are not updated in place; a link
 * pushed again carries its new key and the caller skips stale pops.
 */
export class LinkHeap {
  /** Entry i: its key at 2i, its link at 2i + 1. */
  private entries = new Float64Array(512);
  size = 0;
  poppedKey = 0;
  poppedLink = 0;

  clear(): void {
    this.size = 0;
  }

  push(key: number, link: number): void {
    if (2 * this.size === this.entries.length) this.entries = grown(this.entries, 2 * this.entries.length);
    const e = this.entries;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (e[2 * parent]! <= key) break;
      e[2 * i] = e[2 * parent]!;
      e[2 * i + 1] = e[2 * parent + 1]!;
      i = parent;
    }
    e[2 * i] = key;
    e[2 * i + 1] = link;
  }

  /** Removes the smallest entry into poppedKey/poppedLink; false when empty. */
  pop(): boolean {
    if (this.size === 0) return false;
    const e = this.entries;
    this.poppedKey = e[0]!;
    this.poppedLink = e[1]! | 0;
    const n = --this.size;
    const key = e[2 * n]!;
    const link = e[2 * n + 1]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && e[2 * child + 2]! < e[2 * child]!) child++;
      if (e[2 * child]! >= key) break;
      e[2 * i] = e[2 * child]!;
      e[2 * i + 1] = e[2 * child + 1]!;
      i = child;
    }
    e[2 * i] = key;
    e[2 * i + 1] = link;
    return true;
  }
}
