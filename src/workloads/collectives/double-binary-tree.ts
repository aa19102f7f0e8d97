/** A rank's place in one binary tree: parent and up to two children (−1 = none). */
export interface TreeLinks {
  parent: number;
  children: number[];
}

/** NCCL's binary tree (src/graph/trees.cc, ncclGetBtree) over ranks 0..n−1, rooted at 0. */
export function binaryTree(n: number, rank: number): TreeLinks {
  let bit = 1;
  while (bit < n && !(bit & rank)) bit <<= 1;
  if (rank === 0) return { parent: -1, children: n > 1 ? [bit >> 1] : [] };
  let up = (rank ^ bit) | (bit << 1);
  if (up >= n) up = rank ^ bit;
  const children: number[] = [];
  let low = bit >> 1;
  if (low > 0) children.push(rank - low);
  while (low > 0 && rank + low >= n) low >>= 1;
  if (low > 0) children.push(rank + low);
  return { parent: up, children };
}

/**
 * NCCL's double binary tree (ncclGetDtree): the second tree is the first mirrored (even n)
 * or shifted by one (odd n), so a rank that is interior in one tree is a leaf in the other.
 */
export function doubleBinaryTree(n: number, rank: number): [TreeLinks, TreeLinks] {
  const first = binaryTree(n, rank);
  const map = n % 2 === 1 ? (r: number) => (r + 1) % n : (r: number) => n - 1 - r;
  const unmap = n % 2 === 1 ? (r: number) => (r - 1 + n) % n : (r: number) => n - 1 - r;
  const mirrored = binaryTree(n, unmap(rank));
  const second = {
    parent: mirrored.parent < 0 ? -1 : map(mirrored.parent),
    children: mirrored.children.map(map),
  };
  return [first, second];
}
