/** An A2A agent answered an HTTP status the adapter acts on (401/403: credentials; 5xx: the server failed). */
export class A2aHttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    body: string,
  ) {
    super(`${url} answered HTTP ${String(status)}${body === '' ? '' : `: ${body.slice(0, 200)}`}`);
    this.name = 'A2aHttpStatusError';
  }
}
