/**
 * A query the warehouse refuses: malformed, or over a configured limit (400), or in conflict with a
 * change made while it ran (409: run it again). The message says what, where and why; the HTTP API
 * answers it with `status`.
 */
export class QueryError extends Error {
  constructor(
    message: string,
    readonly status: 400 | 409 = 400,
  ) {
    super(message);
    this.name = 'QueryError';
  }
}
