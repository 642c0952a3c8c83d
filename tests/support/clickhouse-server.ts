// A real ClickHouse server (Debian's clickhouse-server, 18.16) as a plain process on free loopback
// ports, with its own config, users and data folder in a temp dir; and a cluster of two of them,
// one per shard, with ZooKeeper for their ON CLUSTER DDL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './prometheus.js';
import { startZooKeeper, type RunningZooKeeper } from './zookeeper.js';

export interface RunningClickHouse {
  url: string;
  /** Stops the server (SIGTERM, or `signal`), keeping its data: an outage; again after a stop does nothing. */
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the stopped server again on the same ports and data, and waits until it answers. */
  start(): Promise<void>;
  /** Stops the server (SIGTERM, or `signal`) and deletes its folder. */
  dispose(signal?: NodeJS.Signals): Promise<void>;
  /** The server process's id while it runs (benchmarks read its CPU time). */
  pid(): number | undefined;
}

export interface RunningClickHouseCluster {
  /** Name of the cluster in every server's remote_servers. */
  cluster: string;
  /** HTTP address of each server, shard 1 first. */
  urls: string[];
  /** Native-protocol port of each server (what remote_servers names and errors quote). */
  tcpPorts: number[];
  /** Kills the server of shard `index` (from 0), as a crash would. */
  stopShard(index: number): Promise<void>;
  /** Process ids of the running servers. */
  pids(): number[];
  dispose(): Promise<void>;
}

interface ServerPorts {
  http: number;
  tcp: number;
  interserver: number;
}

async function serverPorts(): Promise<ServerPorts> {
  return { http: await freePort(), tcp: await freePort(), interserver: await freePort() };
}

/** Starts one server with `ports`; `clusterXml` goes into its config (remote_servers, zookeeper). */
async function startServer(ports: ServerPorts, clusterXml = ''): Promise<RunningClickHouse> {
  const dir = await mkdtemp(join(tmpdir(), 'sextant-clickhouse-'));
  await writeFile(
    join(dir, 'config.xml'),
    `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><console>1</console></logger>
  <http_port>${ports.http}</http_port>
  <tcp_port>${ports.tcp}</tcp_port>
  <interserver_http_port>${ports.interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <listen_host>127.0.0.1</listen_host>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>5368709</mark_cache_size>
${clusterXml}</yandex>
`,
  );
  await writeFile(
    join(dir, 'users.xml'),
    `<?xml version="1.0"?>
<yandex>
  <profiles><default></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default></default></quotas>
</yandex>
`,
  );
  let log = '';
  let child: ChildProcess | undefined;
  const url = `http://127.0.0.1:${ports.http}`;
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    const running = child;
    if (running && running.exitCode === null && running.signalCode === null) {
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill(signal);
      await exited;
    }
  };
  const dispose = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    await stop(signal);
    await rm(dir, { recursive: true, force: true });
  };
  const start = async (): Promise<void> => {
    const started = spawn('clickhouse-server', [`--config-file=${join(dir, 'config.xml')}`], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    started.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (started.exitCode !== null) throw new Error(`clickhouse-server exited with ${started.exitCode}:\n${log}`);
      const ok = await fetch(`${url}/ping`).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`clickhouse-server not ready at ${url} after 30 s:\n${log}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  try {
    await start();
  } catch (error) {
    await dispose();
    throw error;
  }
  return { url, stop, start, dispose, pid: () => child?.pid };
}

export async function startClickHouseServer(): Promise<RunningClickHouse> {
  return startServer(await serverPorts());
}

/**
 * Two servers, each one shard of the cluster `sextant` (one replica each), and a ZooKeeper that
 * carries their ON CLUSTER DDL. ZooKeeper is up before the servers start: 18.16's DDL worker can
 * crash the server when its first connection to ZooKeeper fails.
 */
export async function startClickHouseCluster(): Promise<RunningClickHouseCluster> {
  const cluster = 'sextant';
  const zookeeper: RunningZooKeeper = await startZooKeeper();
  const ports = [await serverPorts(), await serverPorts()];
  const shards = ports.map((p) => `      <shard><replica><host>127.0.0.1</host><port>${p.tcp}</port></replica></shard>`).join('\n');
  const clusterXml = `  <zookeeper><node><host>${zookeeper.host}</host><port>${zookeeper.port}</port></node></zookeeper>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
  <remote_servers>
    <${cluster}>
${shards}
    </${cluster}>
  </remote_servers>
`;
  const started = await Promise.allSettled(ports.map((p) => startServer(p, clusterXml)));
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  // A cluster member's graceful stop waits seconds on its ZooKeeper session; its data is thrown away.
  const dispose = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.dispose('SIGKILL')));
    await zookeeper.dispose();
  };
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await dispose();
    throw failed.reason;
  }
  return {
    cluster,
    urls: servers.map((s) => s.url),
    tcpPorts: ports.map((p) => p.tcp),
    stopShard: (index) => servers[index]!.stop('SIGKILL'),
    pids: () => servers.flatMap((s) => s.pid() ?? []),
    dispose,
  };
}
