import { affinityStrategy } from './affinity-strategy.js';

export { affinityStrategy };
export default affinityStrategy;
