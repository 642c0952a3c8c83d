// ClickHouse clients for tests: on chDB, ClickHouse (26.7) inside this process behind the same
// @clickhouse/client API a server gets (one engine per process, so each test file uses its own
// database in it), or on a server over HTTP.
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';

export function chdbClient(): ClickHouseClient {
  // chdb/connection is typed against @clickhouse/client-common, whose types the client bundles as
  // its own copy; the objects are the same at run time.
  const connection = createChdbConnection({ path: ':memory:' }) as unknown as NonNullable<Parameters<typeof createClient>[0]>['connection'];
  return createClient({ connection });
}

/** A client of a ClickHouse server over HTTP. */
export function serverClient(url: string): ClickHouseClient {
  return createClient({ url });
}
