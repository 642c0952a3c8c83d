// The `sextant` command as users start it (exporter/bin/sextant.js, `npm start`, the image's entry point).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { repoPath } from './support/stack.js';

/** Threads of a running `sextant demo-workload` (a command that stays up), with UV_THREADPOOL_SIZE as given. */
async function threadsOfCommand(poolSize: string | undefined): Promise<number> {
  const { UV_THREADPOOL_SIZE: _, ...env } = process.env;
  const child = spawn(process.execPath, [repoPath('exporter/bin/sextant.js'), 'demo-workload', '--listen', '127.0.0.1:0'], {
    env: poolSize === undefined ? env : { ...env, UV_THREADPOOL_SIZE: poolSize },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      createInterface({ input: child.stderr! }).on('line', (line) => {
        if (line.includes('demo workload started')) resolve();
      });
      child.once('exit', (code) => reject(new Error(`sextant demo-workload exited with ${code}`)));
    });
    return readdirSync(`/proc/${child.pid}/task`).length;
  } finally {
    child.kill();
    await exited;
  }
}

test("the sextant command gives libuv's thread pool 10 threads (DuckDB's six connections and four for the file system), unless UV_THREADPOOL_SIZE says otherwise", async () => {
  const byDefault = await threadsOfCommand(undefined);
  const withFour = await threadsOfCommand('4');
  const withSixteen = await threadsOfCommand('16');
  assert.equal(byDefault - withFour, 6);
  assert.equal(withSixteen - withFour, 12);
});
