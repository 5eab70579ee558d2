/**
 * The version of the strategy plugin contract. A plugin records the version it was built
 * against (through defineStrategy); a different major contract is refused at load time.
 */
export const STRATEGY_API_VERSION = 1;
