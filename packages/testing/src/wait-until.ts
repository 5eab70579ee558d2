/** Polls until the condition holds; fails with the description after the timeout. */
export async function waitUntil(condition: () => boolean, description: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${String(timeoutMs)} ms waiting until ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
