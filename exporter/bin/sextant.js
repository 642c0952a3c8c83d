#!/usr/bin/env node
// The `sextant` command. A committed file (not dist/cli.js itself), so that `npm ci` can link the
// command before `npm run build` has produced dist/.
//
// It is CommonJS (bin/package.json), so that it runs before Node reads any ES module: libuv sizes its
// thread pool once, when it is first used, and Node reads an ES module entry through that pool.
// The pool runs every DuckDB statement (@duckdb/node-api) as well as the file system's work: the
// warehouse's six connections (four readers, two writers, duckdb-handle.ts) and Node's default four
// for the rest, so a request's read never waits for a thread behind the jobs' statements
// (bench/results/soak.md). UV_THREADPOOL_SIZE set in the environment wins.
process.env.UV_THREADPOOL_SIZE ??= '10';
import('../dist/cli.js');
