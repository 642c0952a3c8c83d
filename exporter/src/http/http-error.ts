import { randomUUID } from 'node:crypto';
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
  code?: string;
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
      // zlib's errors (Z_DATA_ERROR, ERR_BROTLI...) for a body that is not what its Content-Encoding says.
      if (error.status === 400 && error.code !== undefined && /^(Z_|ERR_)/.test(error.code)) {
        return new HttpError(400, `request body does not decode as its Content-Encoding says (${error.message ?? 'decompression failed'}); send it as is, or compressed with gzip, deflate or br`);
      }
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
          ? new HttpError(error.status, error.message)
          : error instanceof URIError
            ? // The router decodes path parameters: `%ZZ` or `%ED%A0%80` (not UTF-8) cannot be.
              new HttpError(400, `the path ${JSON.stringify(req.path)} is not valid: a part of it is not percent-encoded UTF-8`)
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
    // The client gets only an id to quote; the log line with the same id has the reason.
    const errorId = randomUUID();
    log.error('request failed', {
      errorId,
      method: req.method,
      path: req.path,
      error: error instanceof Error ? error.message : String(error),
      stack: error instanceof Error ? error.stack : undefined,
    });
    res.status(500).json({ error: `internal error ${errorId}; the service log has the details under this errorId`, errorId });
  };
}
