import { learnedStrategy } from './learned-strategy.js';

export { learnedStrategy };
export { LearnedDistributionStrategy } from './learned-distribution-strategy.js';
export { learnedOptionsSchema } from './learned-options.js';
export type { LearnedOptions } from './learned-options.js';
export default learnedStrategy;
