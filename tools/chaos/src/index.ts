export { main } from './main.js';
export { parseChaosArgs } from './parse-chaos-args.js';
export { runChaos, DEFAULT_CHAOS_SETTINGS } from './run/run-chaos.js';
export type { ChaosOutcome, ChaosSettings } from './run/run-chaos.js';
export type { ChaosReport } from './check/chaos-report.js';
