import type { z } from 'zod';
import { SwitchyardError } from './switchyard-error.js';

export interface ValidationIssue {
  /** Dotted path of the bad field, e.g. `capabilities.2` or `transport.kind`. */
  readonly field: string;
  readonly message: string;
}

/** Bad input at a boundary. Names every bad field; the call that raised it changed nothing. */
export class ValidationError extends SwitchyardError {
  readonly code = 'VALIDATION_FAILED';
  readonly issues: readonly ValidationIssue[];

  constructor(issues: readonly ValidationIssue[], context?: string) {
    const list = issues.map((issue) => `${issue.field || '(root)'}: ${issue.message}`).join('; ');
    super(context === undefined ? `Invalid input: ${list}` : `Invalid ${context}: ${list}`, { issues });
    this.issues = issues;
  }

  static fromZod(error: z.ZodError, context?: string, fieldPrefix?: string): ValidationError {
    const issues = error.issues.map((issue) => {
      const path = issue.path.map(String).join('.');
      const field = fieldPrefix === undefined ? path : path === '' ? fieldPrefix : `${fieldPrefix}.${path}`;
      return { field, message: issue.message };
    });
    return new ValidationError(issues, context);
  }

  static field(field: string, message: string, context?: string): ValidationError {
    return new ValidationError([{ field, message }], context);
  }
}
