/**
 * The version of the strategy plugin contract. A plugin records the version it was built
 * against (through defineStrategy); a version this Switchyard does not speak is refused at load time.
 */
export const STRATEGY_API_VERSION = 2;

/** Versions this Switchyard loads: 2, and 1 (whose plugins get the same services and views, and never decline with a reason). */
export const SUPPORTED_STRATEGY_API_VERSIONS: readonly number[] = [1, 2];
