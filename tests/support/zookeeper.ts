// A real ZooKeeper (Debian's libzookeeper-java, 3.8) as a plain JVM process on a free loopback port,
// with its data in a temp dir: ClickHouse 18.16 keeps its queue of ON CLUSTER DDL in ZooKeeper.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prometheus.js';

const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';

export interface RunningZooKeeper {
  host: string;
  port: number;
  dispose(): Promise<void>;
}

/** Sends a four-letter command and returns the answer ('' when the server does not answer). */
function fourLetters(port: number, command: string): Promise<string> {
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(port, '127.0.0.1', () => socket.end(command));
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(''));
  });
}

export async function startZooKeeper(): Promise<RunningZooKeeper> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-zookeeper-'));
  const port = await freePort();
  await writeFile(
    join(dir, 'zoo.cfg'),
    [`tickTime=500`, `dataDir=${dir}/data`, `clientPort=${port}`, `clientPortAddress=127.0.0.1`, 'admin.enableServer=false', '4lw.commands.whitelist=srvr'].join('\n'),
  );
  let log = '';
  const child: ChildProcess = spawn('java', ['-Xmx128m', '-cp', ZOOKEEPER_JAR, 'org.apache.zookeeper.server.ZooKeeperServerMain', join(dir, 'zoo.cfg')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const dispose = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    const failed = await Promise.race([spawnError, new Promise<undefined>((resolve) => setTimeout(resolve, 100))]);
    if (failed) throw new Error(`cannot start ZooKeeper (java and ${ZOOKEEPER_JAR}: apt-get install default-jre-headless libzookeeper-java): ${failed.message}`);
    if (child.exitCode !== null) throw new Error(`ZooKeeper exited with ${child.exitCode} (is libzookeeper-java installed?):\n${log}`);
    // Serving, not only running: `ruok` answers imok while the server still loads its database, and
    // a client that connects then is dropped at the handshake (ClickHouse 18.16 crashes on that).
    if ((await fourLetters(port, 'srvr')).includes('Mode: standalone')) return { host: '127.0.0.1', port, dispose };
    if (Date.now() > deadline) {
      await dispose();
      throw new Error(`ZooKeeper not ready on port ${port} after 30 s:\n${log}`);
    }
  }
}
