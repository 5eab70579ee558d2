import { SwitchyardError } from './switchyard-error.js';

export type StrategyErrorCode =
  /** A strategy's create() threw: nothing was registered, and the strategies created before it were disposed. */
  'STRATEGY_CREATE_FAILED';

/** A strategy plugin's own code failed while being set up; `details.strategy` names it. */
export class StrategyError extends SwitchyardError {
  readonly code: StrategyErrorCode;
  declare readonly details: { readonly strategy: string; readonly source?: string };

  constructor(code: StrategyErrorCode, message: string, details: { strategy: string; source?: string }) {
    super(message, { ...details });
    this.code = code;
  }
}
