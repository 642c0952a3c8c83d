// Every store of the service on the two-shard cluster of real 18.16 servers (tables ON CLUSTER,
// rows through Distributed tables), against DuckDB: the same suite as on one server, with the
// shared alert history's second replica on the second server.
import { serverClient } from '../exporter/src/warehouse/clickhouse/testing/clients.js';
import { storeContract } from '../exporter/src/warehouse/clickhouse/testing/store-contract.js';
import { startClickHouseCluster, type RunningClickHouseCluster } from './support/clickhouse-server.js';

let cluster: RunningClickHouseCluster | undefined;
let other: ReturnType<typeof serverClient> | undefined;
storeContract(
  async () => {
    cluster = await startClickHouseCluster();
    // The second server is the second replica's (the shared alert history).
    other = serverClient(cluster.urls[1]!);
    return { client: serverClient(cluster.urls[0]!), cluster: cluster.cluster, other };
  },
  async () => {
    await other?.close();
    await cluster?.dispose();
  },
);
