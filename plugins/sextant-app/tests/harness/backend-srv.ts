import { from, type Observable } from 'rxjs';
import type { BackendSrv, BackendSrvRequest, FetchError, FetchResponse } from '@grafana/runtime';

/**
 * Grafana's BackendSrv contract over the browser's fetch, against the harness server, which plays
 * Grafana's HTTP API (plugin settings, plugin proxy, data source proxy). Errors are FetchErrors as
 * Grafana's own implementation throws them.
 */
export function createBackendSrv(): BackendSrv {
  const fetchOnce = async <T>(options: BackendSrvRequest): Promise<FetchResponse<T>> => {
    const url = new URL(options.url, window.location.origin);
    for (const [name, value] of Object.entries(options.params ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(name, String(value));
      }
    }
    const method = (options.method ?? 'GET').toUpperCase();
    const hasBody = options.data !== undefined && method !== 'GET';
    const response = await window.fetch(url, {
      method,
      headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...(options.headers ?? {}) },
      body: hasBody ? JSON.stringify(options.data) : undefined,
      signal: options.abortSignal,
    });
    const text = await response.text();
    const type = response.headers.get('content-type') ?? '';
    const data = type.includes('json') && text !== '' ? JSON.parse(text) : text;
    if (!response.ok) {
      const error: FetchError = { status: response.status, statusText: response.statusText, data, config: options };
      throw error;
    }
    return {
      data: data as T,
      status: response.status,
      statusText: response.statusText,
      ok: response.ok,
      headers: response.headers,
      redirected: response.redirected,
      type: response.type,
      url: response.url,
      config: options,
    };
  };
  const request = async <T>(options: BackendSrvRequest) => (await fetchOnce<T>(options)).data;
  return {
    fetch: <T>(options: BackendSrvRequest): Observable<FetchResponse<T>> => from(fetchOnce<T>(options)),
    datasourceRequest: fetchOnce,
    request,
    get: (url, params, _requestId, options) => request({ ...options, url, params, method: 'GET' }),
    delete: (url, data, options) => request({ ...options, url, data, method: 'DELETE' }),
    post: (url, data, options) => request({ ...options, url, data, method: 'POST' }),
    patch: (url, data, options) => request({ ...options, url, data, method: 'PATCH' }),
    put: (url, data, options) => request({ ...options, url, data, method: 'PUT' }),
    chunked: (options) => from(fetchOnce<Uint8Array | undefined>(options)),
  };
}
