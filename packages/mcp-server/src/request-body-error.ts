/** Why a request body was refused before it was parsed: the HTTP status and Switchyard code to answer with. */
export class RequestBodyError extends Error {
  constructor(
    readonly status: 400 | 413,
    readonly code: 'BODY_TOO_LARGE' | 'BODY_TOO_DEEP' | 'MALFORMED_REQUEST',
    message: string,
  ) {
    super(message);
    this.name = 'RequestBodyError';
  }
}
