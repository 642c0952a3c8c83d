/**
 * A query the warehouse refuses: malformed, or over a configured limit. The message says what,
 * where and why; the HTTP API answers it with a 400.
 */
export class QueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryError';
  }
}
