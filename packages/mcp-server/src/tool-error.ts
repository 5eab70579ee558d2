import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SwitchyardError, ValidationError } from '@switchyard/core';

/** camelCase field names from core become the tools' snake_case argument names. */
export function snakeCaseField(field: string): string {
  return field.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * A failed tool call as MCP reports tool errors (isError), carrying Switchyard's stable error
 * code in the text and as JSON, and naming bad fields by their argument names.
 */
export function toolError(error: unknown): CallToolResult {
  const failure =
    error instanceof ValidationError
      ? {
          code: error.code,
          message: error.message,
          details: {
            issues: error.issues.map((issue) => ({ field: snakeCaseField(issue.field), message: issue.message })),
          },
        }
      : error instanceof SwitchyardError
        ? { code: error.code, message: error.message, details: { ...error.details } }
        : { code: 'INTERNAL', message: error instanceof Error ? error.message : String(error), details: {} };
  const message =
    failure.code === 'VALIDATION_FAILED'
      ? `VALIDATION_FAILED: ${(failure.details.issues as { field: string; message: string }[]).map((issue) => `${issue.field || '(arguments)'}: ${issue.message}`).join('; ')}`
      : `${failure.code}: ${failure.message}`;
  return {
    isError: true,
    content: [
      { type: 'text', text: message },
      { type: 'text', text: JSON.stringify({ error: failure }) },
    ],
  };
}
