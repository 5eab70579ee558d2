export { main } from './main.js';
export type { BenchResult, BenchSettings } from './bench-result.js';
