// Reference tables of the caller's tenant: GET /reference lists them, GET /reference/{name} shows one
// with its first rows, PUT /reference/{name} imports a CSV, NDJSON or Parquet file sent as the body
// (editor role; streamed to a temporary file, never held in memory; at most
// warehouse.reference.maxImportBytes), DELETE /reference/{name} drops one (editor role).
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { type Request, type Response } from 'express';
import {
  COLUMN_TYPES,
  ImportError,
  IMPORT_FORMATS,
  type ColumnType,
  type ImportFormat,
  type ImportOptions,
} from '../../warehouse/reference/reference-store.js';
import { authOf, roleAllows } from '../auth-context.js';
import type { ApiDeps } from './api-deps.js';
import { BadRequest, NotFound, queryInt, queryString, sendError } from './query-params.js';

const FORMAT_OF_TYPE: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/vnd.apache.parquet': 'parquet',
};

function formatOf(req: Request): ImportFormat {
  const given = queryString(req, 'format');
  if (given !== undefined) {
    if (!(IMPORT_FORMATS as readonly string[]).includes(given)) throw new BadRequest(`query parameter format: got "${given}", expected one of ${IMPORT_FORMATS.join(', ')}`);
    return given as ImportFormat;
  }
  const type = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const format = FORMAT_OF_TYPE[type];
  if (!format) {
    throw new BadRequest(`the file's format is unknown: give ?format=${IMPORT_FORMATS.join('|')} or a Content-Type of ${Object.keys(FORMAT_OF_TYPE).join(', ')} (got ${type || 'none'})`);
  }
  return format;
}

/** `key=a,b` and `types=cost:number,since:date` (or `cost=number`). */
function importOptionsOf(req: Request): Omit<ImportOptions, 'format'> {
  const key = (queryString(req, 'key') ?? '').split(',').filter((k) => k !== '');
  const types: Record<string, ColumnType> = {};
  for (const pair of (queryString(req, 'types') ?? '').split(',').filter((p) => p !== '')) {
    const [column, type, extra] = pair.split(/[:=]/);
    if (!column || extra !== undefined || !(COLUMN_TYPES as readonly string[]).includes(type ?? '')) {
      throw new BadRequest(`query parameter types: "${pair}" is not column:type with a type of ${COLUMN_TYPES.join(', ')}`);
    }
    types[column] = type as ColumnType;
  }
  const replace = queryString(req, 'replace');
  if (replace !== undefined && replace !== 'true' && replace !== 'false') throw new BadRequest(`query parameter replace: got "${replace}", expected true or false`);
  return { key, types, replace: replace === 'true' };
}

/** Writes the request body to `file`, refusing (413) beyond `limit` bytes; returns the bytes written. */
function spool(req: Request, file: string, limit: number): Promise<number> {
  const tooLarge = (size: string): ImportError => new ImportError(`the file is ${size} the limit of ${limit} bytes (warehouse.reference.maxImportBytes)`, 413);
  const declared = Number(req.get('content-length'));
  if (declared > limit) return Promise.reject(tooLarge(`${declared} bytes, more than`));
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file);
    let bytes = 0;
    let settled = false;
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      req.unpipe(out);
      req.pause();
      out.destroy();
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > limit) fail(tooLarge('larger than'));
    });
    req.on('close', () => {
      if (!req.complete) fail(new ImportError('the upload was cut off before the whole file arrived'));
    });
    req.on('error', fail);
    out.on('error', fail);
    out.on('finish', () => {
      if (settled) return;
      settled = true;
      resolve(bytes);
    });
    req.pipe(out);
  });
}

function send(res: Response, error: unknown): void {
  if (error instanceof ImportError) {
    // A refused upload may still be arriving: answer, then close the connection rather than read the rest.
    if (error.status === 413) res.set('Connection', 'close');
    res.status(error.status).json({ error: error.message });
  } else sendError(res, error);
}

export function referenceRoutes(deps: ApiDeps): express.Router {
  const router = express.Router();
  const editor = (res: Response, what: string): string | undefined => {
    const auth = authOf(res);
    if (roleAllows(auth.role, 'editor')) return auth.tenant;
    res.status(403).json({ error: `${what}: role ${auth.role} may not change reference tables (editor needed)` });
    return undefined;
  };

  router.get('/reference', async (_req: Request, res: Response) => {
    try {
      res.json({ tables: await deps.stores.reference.list(authOf(res).tenant) });
    } catch (error) {
      send(res, error);
    }
  });

  router.get('/reference/:name', async (req: Request, res: Response) => {
    try {
      const { tenant } = authOf(res);
      const name = String(req.params.name);
      const limit = queryInt(req, 'limit', 0, 10_000) ?? 100;
      const table = await deps.stores.reference.get(tenant, name);
      if (!table) throw new NotFound(`tenant ${tenant} has no reference table "${name}"`);
      res.json({ table, rows: await deps.stores.reference.rows(tenant, name, limit) });
    } catch (error) {
      send(res, error);
    }
  });

  router.put('/reference/:name', async (req: Request, res: Response) => {
    let dir: string | undefined;
    try {
      // An upload takes as long as the file needs (Node's server.requestTimeout, 5 minutes, still bounds receiving it).
      res.locals.untimed = true;
      const tenant = editor(res, `PUT /reference/${String(req.params.name)}`);
      if (tenant === undefined) return;
      const format = formatOf(req);
      const options = importOptionsOf(req);
      dir = await mkdtemp(join(tmpdir(), 'sextant-import-'));
      const file = join(dir, `upload.${format}`);
      const bytes = await spool(req, file, deps.config.warehouse.reference.maxImportBytes);
      const started = deps.now();
      const result = await deps.stores.reference.importFile(tenant, String(req.params.name), file, { format, ...options });
      deps.log.info('reference table imported', { tenant, table: result.table.name, format, bytes, rows: result.imported, replaced: result.replaced, durationMs: deps.now() - started });
      res.json({ ...result, bytes });
    } catch (error) {
      // DuckDB names the file it could not read: the folder of the temporary copy is the service's business.
      if (dir !== undefined && error instanceof ImportError) error.message = error.message.replaceAll(`${dir}/`, '');
      send(res, error);
    } finally {
      if (dir !== undefined) await rm(dir, { recursive: true, force: true });
    }
  });

  router.delete('/reference/:name', async (req: Request, res: Response) => {
    try {
      const name = String(req.params.name);
      const tenant = editor(res, `DELETE /reference/${name}`);
      if (tenant === undefined) return;
      if (!(await deps.stores.reference.drop(tenant, name))) throw new NotFound(`tenant ${tenant} has no reference table "${name}"`);
      res.status(204).end();
    } catch (error) {
      send(res, error);
    }
  });

  return router;
}
