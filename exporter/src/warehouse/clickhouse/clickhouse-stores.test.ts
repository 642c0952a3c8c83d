// Every store of the service on ClickHouse (chDB: 26.7 in this process) against DuckDB.
import { chdbClient } from './testing/clients.js';
import { storeContract } from './testing/store-contract.js';

storeContract(async () => ({ client: chdbClient() }));
