/** The fetch the MCP client transport calls. */
type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>;

/**
 * The MCP SDK's HTTP transport passes one AbortSignal (its own, for close) to every request.
 * Node's fetch hangs a listener on that signal per request and lets it go only when the request
 * is garbage collected, so a long batch piles them up (MaxListenersExceededWarning past 1,500
 * calls). Here each request gets its own controller instead; the shared signal gets one listener
 * in all, which aborts the requests still open when it fires. A request leaves that set once its
 * response has been read (or it failed).
 */
export function fetchWithOwnSignal(base: Fetch = fetch): Fetch {
  const open = new WeakMap<AbortSignal, Set<AbortController>>();
  const openFor = (shared: AbortSignal): Set<AbortController> => {
    let controllers = open.get(shared);
    if (controllers === undefined) {
      const created = new Set<AbortController>();
      controllers = created;
      open.set(shared, created);
      shared.addEventListener(
        'abort',
        () => {
          for (const controller of created) controller.abort(shared.reason);
          created.clear();
        },
        { once: true },
      );
    }
    return controllers;
  };
  return async (url, init) => {
    const shared = init?.signal;
    if (shared === undefined || shared === null) return base(url, init);
    const own = new AbortController();
    if (shared.aborted) own.abort(shared.reason);
    const controllers = openFor(shared);
    controllers.add(own);
    const done = (): void => {
      controllers.delete(own);
    };
    let response: Response;
    try {
      response = await base(url, { ...init, signal: own.signal });
    } catch (error) {
      done();
      throw error;
    }
    // No body (a redirect left unfollowed, 202 Accepted): nothing more can be aborted.
    if (response.body === null) {
      done();
      return response;
    }
    const body = response.body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({ flush: done }));
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
