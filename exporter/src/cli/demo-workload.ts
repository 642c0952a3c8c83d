// `sextant demo-workload`: the demo scenario as a real process for the reference stack to observe
// (metrics on /metrics, logs on stdout as JSON lines, traces over OTLP/HTTP). docs/stack.md.
import { parseArgs } from 'node:util';
import { parseDuration } from '../config/duration.js';
import { createLogger } from '../log.js';
import { startWorkload } from '../workload/workload.js';

const usage = `usage: sextant demo-workload [options]

  --listen HOST:PORT        where /metrics is served (default 0.0.0.0:9891; port 0 picks a free one)
  --seed N                  the demo scenario's seed (default 1, as the demo source)
  --otlp-endpoint URL       OTLP/HTTP traces endpoint, e.g. http://jaeger:4318/v1/traces (default: no traces)
  --export-interval DUR     time between trace exports (default 5s)
  --trace-lag DUR           how long after a request its trace is sent (default 10s)
`;

export async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        listen: { type: 'string', default: '0.0.0.0:9891' },
        seed: { type: 'string', default: '1' },
        'otlp-endpoint': { type: 'string' },
        'export-interval': { type: 'string', default: '5s' },
        'trace-lag': { type: 'string', default: '10s' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    process.stderr.write(`sextant demo-workload: ${(error as Error).message}\n\n${usage}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(usage);
    return 0;
  }
  const problems: string[] = [];
  const listen = /^(.+):(\d+)$/.exec(values.listen);
  if (!listen || Number(listen[2]) > 65535) problems.push(`--listen: got "${values.listen}", expected HOST:PORT`);
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) problems.push(`--seed: got "${values.seed}", expected a non-negative integer`);
  const exportIntervalMs = parseDuration(values['export-interval']);
  if (!exportIntervalMs) problems.push(`--export-interval: got "${values['export-interval']}", expected a duration such as 5s`);
  const traceLagMs = parseDuration(values['trace-lag']);
  if (traceLagMs === undefined) problems.push(`--trace-lag: got "${values['trace-lag']}", expected a duration such as 10s`);
  const endpoint = values['otlp-endpoint'];
  if (endpoint !== undefined && !/^https?:\/\/[^\s]+$/.test(endpoint)) problems.push(`--otlp-endpoint: got "${endpoint}", expected an http:// or https:// URL`);
  if (problems.length > 0 || !listen || !exportIntervalMs || traceLagMs === undefined) {
    process.stderr.write(`sextant demo-workload: ${problems.join('\n  ')}\n\n${usage}`);
    return 2;
  }

  const log = createLogger('info').child({ component: 'demo-workload' });
  const workload = await startWorkload({
    seed,
    host: listen[1]!,
    port: Number(listen[2]),
    ...(endpoint ? { otlpEndpoint: endpoint } : {}),
    exportIntervalMs,
    traceLagMs,
    tickMs: 1000,
    now: Date.now,
    writeLine: (line) => process.stdout.write(`${line}\n`),
    log,
    version: '0.1.0',
  });
  log.info('demo workload started', { metrics: `http://${listen[1]}:${workload.port}/metrics`, otlpEndpoint: endpoint ?? null, seed });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await workload.stop();
  log.info('demo workload stopped');
  return 0;
}
