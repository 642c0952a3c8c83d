// Every store of the service on the two-shard cluster of real 18.16 servers (tables ON CLUSTER,
// rows through Distributed tables), against DuckDB: the same suite as on one server.
import { serverClient } from '../exporter/src/warehouse/clickhouse/testing/clients.js';
import { storeContract } from '../exporter/src/warehouse/clickhouse/testing/store-contract.js';
import { startClickHouseCluster, type RunningClickHouseCluster } from './support/clickhouse-server.js';

let cluster: RunningClickHouseCluster | undefined;
storeContract(
  async () => {
    cluster = await startClickHouseCluster();
    return { client: serverClient(cluster.urls[0]!), cluster: cluster.cluster };
  },
  async () => cluster?.dispose(),
);
