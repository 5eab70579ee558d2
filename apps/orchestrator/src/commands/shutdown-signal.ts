/**
 * Resolves on the first SIGINT or SIGTERM, so a command can finish its work and exit cleanly.
 * Later ones are ignored, not left to Node's default (exit at once): npm and npx forward the
 * signal a process group already got, so `npx switchyard start` receives each one twice, and the
 * second used to cut a clean shutdown short. The shutdown is bounded on its own (shutdownTimeoutMs).
 */
export function shutdownSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (received) return;
      received = true;
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
