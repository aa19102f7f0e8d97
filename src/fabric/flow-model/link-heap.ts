import { grown } from '../../engine/index.js';

/**
 * A binary min-heap of (key, link) pairs on growable typed arrays, for progressive filling:
 * the next link to saturate. Entries are not updated in place; a link pushed again carries
 * a new version and the caller skips stale pops.
 */
export class LinkHeap {
  private keys = new Float64Array(256);
  private links = new Int32Array(256);
  private versions = new Int32Array(256);
  size = 0;
  poppedKey = 0;
  poppedLink = 0;
  poppedVersion = 0;

  clear(): void {
    this.size = 0;
  }

  push(key: number, link: number, version: number): void {
    if (this.size === this.keys.length) this.grow();
    const { keys, links, versions } = this;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (keys[parent]! <= key) break;
      keys[i] = keys[parent]!;
      links[i] = links[parent]!;
      versions[i] = versions[parent]!;
      i = parent;
    }
    keys[i] = key;
    links[i] = link;
    versions[i] = version;
  }

  /** Removes the smallest entry into poppedKey/poppedLink/poppedVersion; false when empty. */
  pop(): boolean {
    if (this.size === 0) return false;
    const { keys, links, versions } = this;
    this.poppedKey = keys[0]!;
    this.poppedLink = links[0]!;
    this.poppedVersion = versions[0]!;
    const n = --this.size;
    const key = keys[n]!;
    const link = links[n]!;
    const version = versions[n]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && keys[child + 1]! < keys[child]!) child++;
      if (keys[child]! >= key) break;
      keys[i] = keys[child]!;
      links[i] = links[child]!;
      versions[i] = versions[child]!;
      i = child;
    }
    keys[i] = key;
    links[i] = link;
    versions[i] = version;
    return true;
  }

  private grow(): void {
    const n = this.keys.length * 2;
    this.keys = grown(this.keys, n);
    this.links = grown(this.links, n);
    this.versions = grown(this.versions, n);
  }
}
