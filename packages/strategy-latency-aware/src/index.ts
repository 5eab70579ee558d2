import { latencyAwareStrategy } from './latency-aware-strategy.js';

export { latencyAwareStrategy };
export default latencyAwareStrategy;
