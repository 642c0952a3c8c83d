// Ports and URLs agree across the stack: docker-compose.yml, Prometheus' scrape targets, Alertmanager's
// webhook, Grafana's data sources, Alloy's Loki endpoint and Sextant's own config all name the same
// services on the same ports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commandOf, compose, flagValue, portOf, publishedPorts, readText, readYaml, urlsIn, yamlFilesUnder } from './support/stack.js';

/** The ports agreed for the reference stack (docs/stack.md). */
const agreed: Record<string, number[]> = {
  sextant: [9890],
  prometheus: [9090],
  alertmanager: [9093],
  loki: [3100],
  jaeger: [16686, 4318],
  grafana: [3000],
  'node-exporter': [9100],
  'demo-workload': [9891],
};

interface Endpoint {
  where: string;
  host: string;
  port: number;
  path?: string;
}

const fromUrl = (where: string, url: URL): Endpoint => ({ where, host: url.hostname, port: portOf(url), path: url.pathname });
const fromHostPort = (where: string, target: string): Endpoint => {
  const [host = '', port = ''] = target.split(':');
  return { where, host, port: Number(port) };
};

function stackEndpoints(): Endpoint[] {
  const stack = compose();
  const endpoints: Endpoint[] = [];
  const workload = commandOf(stack.services['demo-workload']!);
  endpoints.push(fromHostPort('docker-compose.yml demo-workload --listen', `demo-workload:${flagValue(workload, 'listen')!.split(':')[1]}`));
  endpoints.push(fromUrl('docker-compose.yml demo-workload --otlp-endpoint', new URL(flagValue(workload, 'otlp-endpoint')!)));

  const prometheus = readYaml('provisioning/prometheus/prometheus.yml') as {
    scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[];
    alerting?: { alertmanagers?: { static_configs?: { targets: string[] }[] }[] };
  };
  for (const job of prometheus.scrape_configs) {
    for (const target of (job.static_configs ?? []).flatMap((c) => c.targets)) endpoints.push(fromHostPort(`prometheus.yml job ${job.job_name}`, target));
  }
  for (const target of (prometheus.alerting?.alertmanagers ?? []).flatMap((a) => a.static_configs ?? []).flatMap((c) => c.targets)) {
    endpoints.push(fromHostPort('prometheus.yml alerting', target));
  }
  for (const { path, url } of urlsIn(readYaml('provisioning/alertmanager/alertmanager.yml'))) endpoints.push(fromUrl(`alertmanager.yml ${path}`, url));
  for (const { file, content } of yamlFilesUnder('provisioning/grafana/datasources')) {
    for (const { path, url } of urlsIn(content)) endpoints.push(fromUrl(`${file} ${path}`, url));
  }
  for (const { path, url } of urlsIn(readYaml('provisioning/sextant/sextant.yaml'))) endpoints.push(fromUrl(`sextant.yaml ${path}`, url));
  for (const match of readText('provisioning/alloy/config.alloy').matchAll(/url\s*=\s*"([^"]+)"/g)) endpoints.push(fromUrl('config.alloy', new URL(match[1]!)));
  return endpoints;
}

test('every service publishes its agreed ports, and Sextant listens on its own', () => {
  const stack = compose();
  for (const [service, ports] of Object.entries(agreed)) {
    assert.deepEqual(publishedPorts(stack.services[service]!).sort(), [...ports].sort(), `${service} ports`);
  }
  const sextant = readYaml('provisioning/sextant/sextant.yaml') as { server: { port: number } };
  assert.equal(sextant.server.port, agreed.sextant![0]);
});

test('every URL and target in compose, Prometheus, Alertmanager, Grafana, Alloy and Sextant config names a compose service on its port', () => {
  const endpoints = stackEndpoints();
  const services = new Set(Object.keys(compose().services));
  for (const endpoint of endpoints) {
    if (endpoint.host === 'localhost' || endpoint.host === '127.0.0.1') continue;
    assert.ok(services.has(endpoint.host), `${endpoint.where}: ${endpoint.host} is not a compose service`);
    assert.ok(agreed[endpoint.host]?.includes(endpoint.port), `${endpoint.where}: ${endpoint.host}:${endpoint.port}, expected port ${agreed[endpoint.host]?.join(' or ')}`);
  }
  const has = (pattern: RegExp, host: string, port: number, path?: string): void => {
    assert.ok(
      endpoints.some((e) => pattern.test(e.where) && e.host === host && e.port === port && (path === undefined || e.path === path)),
      `no ${host}:${port}${path ?? ''} in ${pattern}`,
    );
  };
  has(/^prometheus\.yml job/, 'sextant', 9890);
  has(/^prometheus\.yml job/, 'node-exporter', 9100);
  has(/^prometheus\.yml job/, 'demo-workload', 9891);
  has(/^prometheus\.yml alerting/, 'alertmanager', 9093);
  has(/^alertmanager\.yml/, 'sextant', 9890, '/api/v1/alerts/webhook');
  has(/^provisioning\/grafana/, 'prometheus', 9090);
  has(/^provisioning\/grafana/, 'loki', 3100);
  has(/^provisioning\/grafana/, 'jaeger', 16686);
  has(/^provisioning\/grafana/, 'sextant', 9890);
  has(/^sextant\.yaml source/, 'prometheus', 9090);
  has(/^sextant\.yaml loki/, 'loki', 3100);
  has(/^sextant\.yaml jaeger/, 'jaeger', 16686);
  has(/^config\.alloy/, 'loki', 3100, '/loki/api/v1/push');
  has(/demo-workload --otlp-endpoint/, 'jaeger', 4318, '/v1/traces');
});
