// What the harness page needs from Grafana's server: the plugin settings API, and the data proxies
// (plugin proxy for the app, data source proxy for the data source) applying plugin.json's routes
// as Grafana does (pkg/api/pluginproxy): the first route whose method (if any) and path match is
// taken, and a user below its reqRole gets a 403; route URL and headers are templates over the
// stored jsonData and secureJsonData, so the tokens live here, on the server side, and never in the
// browser. The signed-in user's Grafana role is `role` (Admin unless a test changes it).
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { publicAsset } from './grafana-assets.js';

interface Route {
  path: string;
  url: string;
  method?: string;
  reqRole?: GrafanaRole;
  headers?: Array<{ name: string; content: string }>;
}

export type GrafanaRole = 'Viewer' | 'Editor' | 'Admin';
const ROLE_ORDER: GrafanaRole[] = ['Viewer', 'Editor', 'Admin'];

export interface PluginSettings {
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

export interface GrafanaProxyOptions {
  /** Built plugin (dist/): its plugin.json files give the routes. */
  dist: string;
  /** The harness bundle and index.html. */
  staticDirs: string[];
  app: PluginSettings;
  datasource: PluginSettings;
  /** A Prometheus for the provisioned Prometheus data source (uid `prometheus`), which has no auth. */
  prometheus?: string;
}

export interface GrafanaProxy {
  url: string;
  app: PluginSettings;
  /** The signed-in user's role in the org. */
  role: GrafanaRole;
  /** Every request the proxy forwarded, with its route and the headers it added (to check where the token went). */
  forwarded: Array<{ method: string; url: string; route: string; authorization?: string }>;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ttf': 'font/ttf',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

/** Grafana's route templates: `{{ .JsonData.x }}` and `{{ .SecureJsonData.x }}`. */
function render(template: string, settings: PluginSettings): string {
  return template.replace(/\{\{\s*\.(JsonData|SecureJsonData)\.(\w+)\s*\}\}/g, (_, where: string, key: string) =>
    String((where === 'JsonData' ? settings.jsonData : settings.secureJsonData)[key] ?? '')
  );
}

function routesOf(pluginJsonPath: string): Route[] {
  return JSON.parse(readFileSync(pluginJsonPath, 'utf8')).routes ?? [];
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startGrafanaProxy(options: GrafanaProxyOptions): Promise<GrafanaProxy> {
  const appJson = JSON.parse(readFileSync(join(options.dist, 'plugin.json'), 'utf8'));
  const appId = appJson.id as string;
  const appRoutes = routesOf(join(options.dist, 'plugin.json'));
  const dsRoutes = routesOf(join(options.dist, 'datasource', 'plugin.json'));
  const state = { app: options.app, datasource: options.datasource, role: 'Admin' as GrafanaRole };
  const forwarded: GrafanaProxy['forwarded'] = [];

  async function proxy(req: IncomingMessage, res: ServerResponse, routes: Route[], settings: PluginSettings, rest: string) {
    const [path, query = ''] = rest.split('?');
    const route = routes.find((r) => (!r.method || r.method === req.method) && (path === r.path || path!.startsWith(`${r.path}/`)));
    if (!route) {
      return json(res, 404, { message: 'plugin route match not found' });
    }
    if (route.reqRole && ROLE_ORDER.indexOf(state.role) < ROLE_ORDER.indexOf(route.reqRole)) {
      return json(res, 403, { message: 'plugin proxy route access denied' });
    }
    const target = new URL(render(route.url, settings).replace(/\/$/, '') + path!.slice(route.path.length) + (query ? `?${query}` : ''));
    const headers: Record<string, string> = {};
    if (req.headers['content-type']) headers['content-type'] = req.headers['content-type'];
    for (const header of route.headers ?? []) headers[header.name.toLowerCase()] = render(header.content, settings);
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
    forwarded.push({ method: req.method ?? 'GET', url: target.toString(), route: route.path, authorization: headers.authorization });
    try {
      const upstream = await fetch(target, { method: req.method, headers, body });
      // Grafana's proxy passes the upstream's headers on (a download keeps its file name).
      const disposition = upstream.headers.get('content-disposition');
      const type = upstream.headers.get('content-type') ?? 'application/octet-stream';
      res.writeHead(upstream.status, {
        'content-type': type,
        ...(disposition ? { 'content-disposition': disposition } : {}),
      });
      if (!type.startsWith('text/event-stream') || !upstream.body) {
        res.end(Buffer.from(await upstream.arrayBuffer()));
        return;
      }
      // Event streams are passed on as they come (Go's reverse proxy flushes them at once).
      const reader = upstream.body.getReader();
      res.on('close', () => void reader.cancel().catch(() => undefined));
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
        if (done) break;
        res.write(value);
      }
      res.end();
    } catch (error) {
      // Grafana answers 502 when the upstream cannot be reached.
      json(res, 502, { message: `data proxy: ${(error as Error).message}` });
    }
  }

  const server = createServer(async (req, res) => {
    const url = req.url ?? '/';
    const appProxy = `/api/plugin-proxy/${appId}/`;
    const dsProxy = '/api/datasources/proxy/uid/sextant/';
    if (url.startsWith(appProxy)) return proxy(req, res, appRoutes, state.app, url.slice(appProxy.length));
    if (url.startsWith(dsProxy)) return proxy(req, res, dsRoutes, state.datasource, url.slice(dsProxy.length));
    const promProxy = '/api/datasources/proxy/uid/prometheus/';
    if (options.prometheus && url.startsWith(promProxy)) {
      return proxy(req, res, [{ path: 'api', url: `${options.prometheus}/api` }], state.datasource, url.slice(promProxy.length));
    }
    if (url === `/api/plugins/${appId}/settings`) {
      if (req.method === 'POST') {
        const update = JSON.parse((await readBody(req)).toString('utf8') || '{}');
        state.app = {
          jsonData: update.jsonData ?? state.app.jsonData,
          secureJsonData: update.secureJsonData ? { ...state.app.secureJsonData, ...update.secureJsonData } : state.app.secureJsonData,
        };
        return json(res, 200, { message: 'Plugin settings updated' });
      }
      // As Grafana: which secure fields are set, never their values; plugin.json's name, info and
      // includes (the pages its menu lists).
      const secureJsonFields = Object.fromEntries(Object.keys(state.app.secureJsonData).map((k) => [k, true]));
      const { name, info, includes } = appJson;
      return json(res, 200, { id: appId, type: 'app', name, info, includes, enabled: true, pinned: true, jsonData: state.app.jsonData, secureJsonFields });
    }
    if (url.startsWith('/public/')) {
      const asset = publicAsset(url.split('?')[0]!);
      return asset ? file(res, asset) : json(res, 404, { message: `not found: ${url}` });
    }
    const name = url === '/' || url.startsWith('/?') ? 'index.html' : normalize(url.split('?')[0]!).replace(/^\/+/, '');
    for (const dir of options.staticDirs) {
      if (existsSync(join(dir, name))) return file(res, join(dir, name));
    }
    json(res, 404, { message: `not found: ${url}` });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get app() {
      return state.app;
    },
    get role() {
      return state.role;
    },
    set role(role: GrafanaRole) {
      state.role = role;
    },
    forwarded,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function file(res: ServerResponse, path: string) {
  if (!existsSync(path) || !statSync(path).isFile()) return json(res, 404, { message: `not found: ${path}` });
  res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
  createReadStream(path).pipe(res);
}
