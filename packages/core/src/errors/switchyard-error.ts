/** Every error Switchyard throws on purpose; `code` is stable and safe to branch on. */
export abstract class SwitchyardError extends Error {
  abstract readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  protected constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }

  /** The shape sent over the wire and through MCP: no stack, nothing secret. */
  toJSON(): { name: string; code: string; message: string; details: Readonly<Record<string, unknown>> } {
    return { name: this.name, code: this.code, message: this.message, details: this.details };
  }
}
