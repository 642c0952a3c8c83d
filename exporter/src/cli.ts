#!/usr/bin/env node
// `sextant <command>`: each command lives in its own module under cli/ and is loaded on demand.

interface Command {
  summary: string;
  load: () => Promise<{ run(args: string[]): Promise<number> }>;
}

const commands: Record<string, Command> = {
  serve: { summary: 'run the service: ingest, warehouse jobs, HTTP API and /metrics', load: () => import('./cli/serve.js') },
  backfill: { summary: 'fill the warehouse with history from the configured source', load: () => import('./cli/backfill.js') },
  'demo-workload': {
    summary: 'run the demo scenario as a process: /metrics, JSON logs on stdout, OTLP traces',
    load: () => import('./cli/demo-workload.js'),
  },
  export: { summary: 'write a dataset range of the warehouse to a Parquet file', load: () => import('./cli/export.js') },
  import: { summary: 'load a CSV, NDJSON or Parquet file into a reference table (business data to join)', load: () => import('./cli/import.js') },
  'import-points': {
    summary: 'replay Parquet exports of points into the configured warehouse (moving history to ClickHouse)',
    load: () => import('./cli/import-points.js'),
  },
  detect: { summary: 'score timestamp,value CSV files (and wide CSVs as groups) for anomalies', load: () => import('./cli/detect.js') },
  eval: { summary: 'score detector output with the NAB rules or against point labels', load: () => import('./cli/eval.js') },
  rules: { summary: 'generate Prometheus rule files and their promtool tests', load: () => import('./cli/rules.js') },
  report: { summary: 'write a daily, weekly or monthly report as html, pdf, xlsx, csv or parquet', load: () => import('./cli/report.js') },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(16)}${c.summary}`);
  return `usage: sextant <command> [options]\n\ncommands:\n${lines.join('\n')}\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`sextant: unknown command "${name}"\n\n${usage()}`);
    return 2;
  }
  const module = await command.load();
  return module.run(args);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`sextant: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
