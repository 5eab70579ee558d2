import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TaskHandler } from '@switchyard/agent';
import { ValidationError } from '@switchyard/core';

/** Imports the user's handler module: its default export, or an export named `handler`, must be a function. */
export async function loadHandler(path: string, cwd: string = process.cwd()): Promise<TaskHandler> {
  const url = pathToFileURL(resolve(cwd, path)).href;
  let module: Record<string, unknown>;
  try {
    module = (await import(url)) as Record<string, unknown>;
  } catch (error) {
    throw ValidationError.field(
      'handler',
      `cannot load ${path}: ${error instanceof Error ? error.message : String(error)}`,
      'agent',
    );
  }
  const candidate = typeof module.default === 'function' ? module.default : module.handler;
  if (typeof candidate !== 'function') {
    throw ValidationError.field(
      'handler',
      `${path} must export a function as default or as "handler": (task, context) => result`,
      'agent',
    );
  }
  return candidate as TaskHandler;
}
