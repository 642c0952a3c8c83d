import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../log.js';
import { QueryError } from '../warehouse/query-error.js';

/** An error whose message is safe to show the client, with the status to answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, `no route for ${req.method} ${req.path}`));
};

interface BodyParserError {
  type?: string;
  status?: number;
  limit?: number;
  message?: string;
}

/** Turns body-parser's errors into clear 4xx answers. */
function fromBodyParser(error: BodyParserError, limitBytes: number): HttpError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new HttpError(413, `request body is larger than the limit of ${limitBytes} bytes (server.bodyLimitBytes)`);
    case 'entity.parse.failed':
      return new HttpError(400, `request body is not valid JSON: ${error.message ?? 'parse error'}`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, error.message ?? 'unsupported body encoding');
    default:
      return undefined;
  }
}

/**
 * Last handler: every error becomes `{ "error": "..." }`. Unexpected errors are logged with their
 * stack and answered with a plain 500, never showing the client internals.
 */
export function errorHandler(log: Logger, bodyLimitBytes: number): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const known =
      error instanceof HttpError
        ? error
        : error instanceof QueryError
          ? new HttpError(400, error.message)
          : fromBodyParser(error as BodyParserError, bodyLimitBytes);
    if (res.headersSent) {
      // The answer is already on its way (e.g. a timeout answered first); all we can do is log.
      if (!known) log.error('error after response started', { method: req.method, path: req.path, error: String(error) });
      return;
    }
    if (known) {
      res.status(known.status).set(known.headers).json({ error: known.message });
      return;
    }
    log.error('request failed', {
      method: req.method,
      path: req.path,
      error: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    res.status(500).json({ error: 'internal error; the service log has the details' });
  };
}
