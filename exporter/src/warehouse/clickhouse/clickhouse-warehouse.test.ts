// The ClickHouse warehouse on chDB: ClickHouse 26.7 inside this process, through @clickhouse/client
// as a server would be.
import { chdbClient } from './testing/clients.js';
import { clickHouseContract } from './testing/warehouse-contract.js';

clickHouseContract(async () => ({ client: chdbClient() }));
