// The ClickHouse warehouse on a real server: Debian's clickhouse-server 18.16, the oldest version
// the SQL keeps to (no query parameters, Map, codecs or TTL).
import { serverClient } from '../exporter/src/warehouse/clickhouse/testing/clients.js';
import { clickHouseContract } from '../exporter/src/warehouse/clickhouse/testing/warehouse-contract.js';
import { startClickHouseServer, type RunningClickHouse } from './support/clickhouse-server.js';

let server: RunningClickHouse | undefined;
clickHouseContract(
  async () => {
    server = await startClickHouseServer();
    return { client: serverClient(server.url) };
  },
  async () => server?.dispose(),
);
