import type { ServerNotification } from '@modelcontextprotocol/sdk/types.js';
import type { TaskProgressEvent, TaskProgressListener } from '@switchyard/core';

/** Sends one notification on the request's own stream (the SDK ties it to the request). */
export type SendNotification = (notification: ServerNotification) => Promise<void>;

/**
 * A task's progress reports as MCP `notifications/progress` for the caller's progressToken. MCP
 * wants `progress` to grow with each notification: a report with a fraction is `fraction * 100`
 * of `total` 100, one without is one more than the last value; a value that would not grow
 * (a fraction going back) is nudged just above the last one. A notification that cannot be sent
 * (the client left) is dropped: the tool's answer still follows, or fails on its own.
 */
export function mcpProgressNotifier(progressToken: string | number, send: SendNotification): TaskProgressListener {
  let last = 0;
  return (event: TaskProgressEvent) => {
    const wanted = event.fraction === undefined ? last + 1 : event.fraction * 100;
    const progress = wanted > last ? wanted : last + 1e-6;
    last = progress;
    send({
      method: 'notifications/progress',
      params: {
        progressToken,
        progress,
        ...(event.fraction === undefined ? {} : { total: 100 }),
        ...(event.message === undefined ? {} : { message: event.message }),
      },
    }).catch(() => undefined);
  };
}
