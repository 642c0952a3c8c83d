import type { Migration } from './migration.js';

// The catalog of reference tables (business data imported per tenant). Each table's rows live in
// their own table `reference_<table_id>`, created by the import with the file's columns.
export const referenceTables: Migration = {
  version: 3,
  name: 'reference tables: the catalog of imported business data',
  up: [
    `CREATE TABLE reference_tables (
       tenant VARCHAR NOT NULL,
       name VARCHAR NOT NULL,
       table_id INTEGER NOT NULL,      -- rows are in reference_<table_id>
       columns VARCHAR NOT NULL,       -- JSON [{"name", "type"}], in the table's column order
       key_columns VARCHAR NOT NULL,   -- JSON [name, ...]; [] when imports replace the whole table
       rows BIGINT NOT NULL,
       imported_at_ms BIGINT NOT NULL,
       PRIMARY KEY (tenant, name))`,
  ],
};
