// The reference stack's files hold together: docker-compose.yml parses, every image is pinned, every
// file it mounts or a config refers to exists, and the Dockerfile is what the docs promise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { configSchema } from '../exporter/src/config/schema.js';
import { commandOf, compose, flagValue, hostPathOf, mounts, readText, readYaml, repoPath, yamlFilesUnder } from './support/stack.js';

const expectedServices = ['alertmanager', 'alloy', 'demo-workload', 'grafana', 'jaeger', 'loki', 'node-exporter', 'prometheus', 'sextant'];
const pluginDist = './plugins/sextant-app/dist';

test('docker-compose.yml parses and has the services of the reference stack', () => {
  assert.deepEqual(Object.keys(compose().services).sort(), expectedServices);
});

test('every image is pinned to a version, and built images have a name', () => {
  for (const [name, service] of Object.entries(compose().services)) {
    assert.ok(service.image, `${name} has no image`);
    if (service.build !== undefined) continue;
    const tag = service.image.split(':')[1] ?? '';
    assert.match(tag, /^v?\d+\.\d+\.\d+/, `${name}: image ${service.image} is not pinned to a version`);
  }
});

test('every bind-mounted path exists, and every named volume is declared', () => {
  const stack = compose();
  for (const mount of mounts(stack)) {
    if (mount.named) {
      assert.ok(stack.volumes && mount.source in stack.volumes, `${mount.service}: volume ${mount.source} is not declared`);
    } else if (mount.source === pluginDist) {
      // Built, not committed: the plugin's package must be there to build it from.
      const manifest = JSON.parse(readText('plugins/sextant-app/package.json')) as { scripts?: Record<string, string> };
      assert.ok(manifest.scripts?.build, 'plugins/sextant-app has no build script for the mounted dist/');
      assert.ok(existsSync(repoPath('plugins/sextant-app/src/plugin.json')), 'plugins/sextant-app/src/plugin.json is missing');
    } else if (mount.source.startsWith('.')) {
      assert.ok(existsSync(repoPath(mount.source)), `${mount.service}: ${mount.source} does not exist`);
    }
  }
});

test('the config files named on the command lines are mounted from files that exist', () => {
  const stack = compose();
  const configs: [string, string][] = [
    ['prometheus', flagValue(commandOf(stack.services.prometheus!), 'config.file')!],
    ['alertmanager', flagValue(commandOf(stack.services.alertmanager!), 'config.file')!],
    ['loki', flagValue(commandOf(stack.services.loki!), 'config.file')!],
    ['alloy', commandOf(stack.services.alloy!).at(-1)!],
    ['sextant', flagValue(commandOf(stack.services.sextant!), 'config')!],
  ];
  for (const [service, path] of configs) {
    assert.ok(path, `${service}: no config file on its command line`);
    const host = hostPathOf(stack, service, path);
    assert.ok(host, `${service}: ${path} is not mounted`);
    assert.ok(existsSync(repoPath(host)), `${service}: ${path} comes from ${host}, which does not exist`);
  }
});

test('files the configs refer to inside their containers are mounted', () => {
  const stack = compose();
  const alertmanager = readYaml('provisioning/alertmanager/alertmanager.yml') as {
    receivers: { webhook_configs?: { http_config?: { authorization?: { credentials_file?: string } } }[] }[];
  };
  const tokenFiles = alertmanager.receivers.flatMap((r) => r.webhook_configs ?? []).map((w) => w.http_config?.authorization?.credentials_file);
  for (const file of tokenFiles.filter((f): f is string => f !== undefined)) {
    const host = hostPathOf(stack, 'alertmanager', file);
    assert.ok(host && existsSync(repoPath(host)), `alertmanager: ${file} is not mounted from an existing file`);
  }
  const sextant = readYaml('provisioning/sextant/sextant.yaml') as { auth: { tokens: { token: { file?: string } }[] }; warehouse: { path: string } };
  for (const token of sextant.auth.tokens) {
    if (!token.token.file) continue;
    const host = hostPathOf(stack, 'sextant', token.token.file);
    assert.ok(host && existsSync(repoPath(host)), `sextant: ${token.token.file} is not mounted from an existing file`);
  }
  // Tokens from the environment reach Sextant, and Grafana sends the same variable.
  for (const token of sextant.auth.tokens as { token: { env?: string } }[]) {
    const variable = token.token.env;
    if (!variable) continue;
    assert.ok(stack.services.sextant!.environment?.[variable], `sextant: ${variable} is not set in docker-compose.yml`);
    assert.equal(stack.services.grafana!.environment?.[variable], stack.services.sextant!.environment?.[variable], `grafana and sextant disagree on ${variable}`);
    const grafanaUses = yamlFilesUnder('provisioning/grafana').some(({ content }) => JSON.stringify(content).includes(`$${variable}`));
    assert.ok(grafanaUses, `provisioning/grafana does not send ${variable}`);
  }
  // Alertmanager and Sextant must share one token: the webhook's and the one Sextant accepts.
  const amToken = hostPathOf(stack, 'alertmanager', tokenFiles[0]!);
  const sextantToken = hostPathOf(stack, 'sextant', sextant.auth.tokens.find((t) => t.token.file)!.token.file!);
  assert.equal(amToken, sextantToken);
  // Prometheus scrapes /metrics with the token Sextant requires there (a path relative to its config).
  const prometheusConfig = readYaml('provisioning/prometheus/prometheus.yml') as { scrape_configs: { job_name: string; authorization?: { credentials_file?: string } }[] };
  const scrapeTokenFile = prometheusConfig.scrape_configs.find((job) => job.job_name === 'sextant')?.authorization?.credentials_file;
  const metricsTokenFile = (sextant.auth as { metricsToken?: { file?: string } }).metricsToken?.file;
  assert.ok(scrapeTokenFile && metricsTokenFile, 'the sextant scrape job and auth.metricsToken must both name a token file');
  assert.equal(
    hostPathOf(stack, 'prometheus', posix.resolve('/etc/prometheus', scrapeTokenFile)),
    hostPathOf(stack, 'sextant', metricsTokenFile),
    'Prometheus does not send the token Sextant requires on /metrics',
  );
  // The warehouse file is on the sextant-data volume, so it outlives the container.
  const volume = mounts(stack).find((m) => m.service === 'sextant' && m.source === 'sextant-data');
  assert.ok(volume && sextant.warehouse.path.startsWith(`${volume.target}/`), `warehouse ${sextant.warehouse.path} is not on the sextant-data volume`);
  // Prometheus loads the rule files from the mounted alert-rules/ (paths relative to prometheus.yml).
  const prometheus = readYaml('provisioning/prometheus/prometheus.yml') as { rule_files?: string[] };
  for (const pattern of prometheus.rule_files ?? []) {
    const dir = join('provisioning/prometheus', pattern, '..');
    assert.ok(existsSync(repoPath(dir)), `prometheus rule_files ${pattern}: ${dir} does not exist`);
    const inContainer = join('/etc/prometheus', pattern, '..');
    assert.ok(hostPathOf(stack, 'prometheus', inContainer), `prometheus: ${inContainer} (rule_files) is not mounted`);
  }
});

test('provisioning/sextant/sextant.yaml is a valid Sextant configuration', () => {
  // The schema only: its secrets (a file and a variable) exist in the containers, not here.
  const parsed = configSchema.safeParse(readYaml('provisioning/sextant/sextant.yaml'));
  assert.ok(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues));
  assert.equal(parsed.data.source.kind, 'prometheus');
  assert.equal(parsed.data.loki.url, 'http://loki:3100');
  assert.equal(parsed.data.jaeger.url, 'http://jaeger:16686');
});

test('the Dockerfile builds in stages, runs as a non-root user, checks /-/healthy and keeps data on a volume', () => {
  const dockerfile = readFileSync(repoPath('Dockerfile'), 'utf8');
  const instructions = dockerfile.split('\n').filter((line) => /^[A-Z]+\s/.test(line));
  const froms = instructions.filter((line) => line.startsWith('FROM '));
  assert.ok(froms.length >= 2, 'expected a multi-stage build');
  for (const from of froms) assert.match(from, /^FROM [^\s:]+:\d+\.\d+\.\d+/, `${from}: base image not pinned`);
  const finalStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const user = /^USER (\S+)/m.exec(finalStage)?.[1];
  assert.ok(user && user !== 'root' && user !== '0', 'the runtime stage must switch to a non-root user');
  assert.match(finalStage, /^HEALTHCHECK .*\n?.*\/-\/healthy/m);
  assert.match(finalStage, /127\.0\.0\.1:9890\/-\/healthy/);
  assert.match(finalStage, /^VOLUME \["\/var\/lib\/sextant"\]/m);
  assert.match(finalStage, /^EXPOSE 9890$/m);
  // npm ci needs every workspace's manifest to find package-lock.json in sync.
  const workspaces = (JSON.parse(readText('package.json')) as { workspaces: string[] }).workspaces;
  for (const workspace of workspaces) assert.match(dockerfile, new RegExp(`^COPY ${workspace}/package\\.json ${workspace}/$`, 'm'), `the Dockerfile does not copy ${workspace}/package.json`);
});

test('Grafana is new enough for the plugin and loads unsigned plugins only for Sextant\'s ids', () => {
  const grafana = compose().services.grafana!;
  const version = (grafana.image ?? '').split(':')[1] ?? '';
  const pluginFiles = ['plugins/sextant-app/src/plugin.json', 'plugins/sextant-app/src/datasource/plugin.json', 'plugins/sextant-app/src/panels/anomaly/plugin.json', 'plugins/sextant-app/src/panels/recommendations/plugin.json'];
  const plugins = pluginFiles.map((file) => JSON.parse(readText(file)) as { id: string; dependencies?: { grafanaDependency?: string } });
  for (const plugin of plugins) {
    const minimum = /^>=\s*(\d+\.\d+\.\d+)/.exec(plugin.dependencies?.grafanaDependency ?? '')?.[1];
    if (minimum) assert.ok(compareVersions(version, minimum) >= 0, `${plugin.id} needs Grafana ${minimum}, compose runs ${version}`);
  }
  const allowed = (grafana.environment?.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS ?? '').split(',').sort();
  assert.deepEqual(allowed, plugins.map((p) => p.id).sort());
});

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
