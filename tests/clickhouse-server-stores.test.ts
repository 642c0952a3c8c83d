// Every store of the service on a real ClickHouse server (Debian's clickhouse-server 18.16, the
// oldest version the SQL keeps to) against DuckDB.
import { serverClient } from '../exporter/src/warehouse/clickhouse/testing/clients.js';
import { storeContract } from '../exporter/src/warehouse/clickhouse/testing/store-contract.js';
import { startClickHouseServer, type RunningClickHouse } from './support/clickhouse-server.js';

let server: RunningClickHouse | undefined;
storeContract(
  async () => {
    server = await startClickHouseServer();
    return { client: serverClient(server.url) };
  },
  async () => server?.dispose(),
);
