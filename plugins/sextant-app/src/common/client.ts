import { lastValueFrom } from 'rxjs';
import { getBackendSrv, isFetchError } from '@grafana/runtime';

export type QueryParams = Record<string, string | number | boolean | undefined>;

/** A failed request to Sextant, with the reason Sextant (or Grafana's proxy) gave. */
export class SextantError extends Error {
  constructor(
    message: string,
    readonly status?: number
  ) {
    super(message);
    this.name = 'SextantError';
  }
}

/**
 * Sextant's HTTP API as seen from the browser: every request goes through one of Grafana's data
 * proxies, which adds the API token, so the token never reaches the browser. Reads go to `base`;
 * changes (POST) to `writeBase`, the app's route that only Grafana editors may use.
 */
export class SextantClient {
  constructor(
    readonly base: string,
    readonly writeBase: string = base
  ) {}

  get<T>(path: string, params?: QueryParams): Promise<T> {
    return this.request<T>('GET', path, params);
  }

  /** A POST that only reads (a BI query): it goes through the read route like a GET. */
  query<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('POST', path, undefined, body);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, undefined, body ?? {}, this.writeBase);
  }

  /** The URL a link or download can point at (same proxy, same token handling). */
  url(path: string, params?: QueryParams, base = this.base): string {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params ?? {})) {
      if (value !== undefined) {
        query.set(name, String(value));
      }
    }
    const text = query.toString();
    return `${base}${path}${text ? `?${text}` : ''}`;
  }

  private async request<T>(method: string, path: string, params?: QueryParams, data?: unknown, base = this.base): Promise<T> {
    try {
      const response = await lastValueFrom(
        getBackendSrv().fetch<T>({
          url: this.url(path, params, base),
          method,
          data,
          showErrorAlert: false,
          showSuccessAlert: false,
        })
      );
      return response.data;
    } catch (error) {
      throw toSextantError(error, `${method} ${path}`);
    }
  }
}

export function toSextantError(error: unknown, what: string): SextantError {
  if (isFetchError(error)) {
    const body = error.data as { error?: string; message?: string } | string | undefined;
    const reason =
      typeof body === 'string' && body !== '' ? body : typeof body === 'object' ? body?.error ?? body?.message : undefined;
    return new SextantError(`${what} failed (${error.status}): ${reason ?? error.statusText ?? 'no reason given'}`, error.status);
  }
  return new SextantError(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
}
