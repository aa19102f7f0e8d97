export { attributeChain, CriticalPath, type PathNode } from './critical-path.js';
export { newBreakdown, Part, PART_COUNT, queueSlot, sumParts, type Breakdown } from './parts.js';
export { attributionRow, flatParts, linkName, type AttributionRow } from './row.js';
