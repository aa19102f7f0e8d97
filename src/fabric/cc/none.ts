import { defineCc, NoCongestionControl } from './congestion-control.js';

/** No congestion control: line rate within the fixed window. */
export const none = defineCc({
  name: 'none',
  overrides: () => ({}),
  defaults: {},
  create: () => new NoCongestionControl(),
});
