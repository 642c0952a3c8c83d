import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, test } from 'node:test';
import { envName } from './env.js';
import { ConfigError } from './errors.js';
import { configFileFrom, dumpConfig, loadConfig, parseConfig, type Env } from './load.js';
import { scalarFields } from './schema-walk.js';
import { configSchema } from './schema.js';

const options = (env: Env = {}) => ({ origin: 'sextant.yaml', baseDir: '/srv/sextant', env });

function problemsOf(text: string, env: Env = {}): string[] {
  try {
    parseConfig(text, options(env));
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  assert.fail('expected a ConfigError');
}

const token = 'abcdefghijklmnop-demo';

describe('bad configs are refused with the place, the value and what was expected', () => {
  const table: Array<{ yaml: string; env?: Env; problems: string[] }> = [
    {
      yaml: 'server:\n  port: abc\n',
      problems: ['sextant.yaml: server.port: got "abc" (string), expected an integer between 1 and 65535'],
    },
    {
      yaml: 'server:\n  port: 70000\n',
      problems: ['sextant.yaml: server.port: got 70000 (number), expected an integer between 1 and 65535'],
    },
    {
      yaml: 'server:\n  port: 98.5\n',
      problems: ['sextant.yaml: server.port: got 98.5 (number), expected an integer between 1 and 65535'],
    },
    {
      yaml: 'server:\n  prot: 9890\n',
      problems: ['sextant.yaml: server.prot: unknown key, did you mean "port"?'],
    },
    {
      yaml: 'server:\n  colour: blue\n',
      problems: ['sextant.yaml: server.colour: unknown key, expected one of listen, port, bodyLimitBytes, bodyMaxDepth, requestTimeout, shutdownTimeout'],
    },
    {
      yaml: 'warehous:\n  path: x.duckdb\n',
      problems: ['sextant.yaml: warehous: unknown key, did you mean "warehouse"?'],
    },
    {
      yaml: 'server:\n  requestTimeout: 30\n',
      problems: ['sextant.yaml: server.requestTimeout: got 30 (number), expected a positive duration such as 30s, 5m, 7d'],
    },
    {
      yaml: 'ingest:\n  interval: 5 minutes\n',
      problems: ['sextant.yaml: ingest.interval: got "5 minutes" (string), expected a positive duration such as 30s, 5m, 7d'],
    },
    {
      yaml: 'ingest:\n  interval: 0s\n',
      problems: ['sextant.yaml: ingest.interval: got "0s" (string), expected a positive duration such as 30s, 5m, 7d'],
    },
    {
      yaml: 'log:\n  level: verbose\n',
      problems: ['sextant.yaml: log.level: got "verbose" (string), expected one of debug, info, warn, error'],
    },
    {
      yaml: 'source:\n  kind: prometheus\n',
      problems: ['sextant.yaml: source.prometheus.url: required when source.kind is prometheus'],
    },
    {
      yaml: 'source:\n  kind: prometheus\n  prometheus:\n    url: prometheus:9090\n',
      problems: ['sextant.yaml: source.prometheus.url: got "prometheus:9090" (string), expected an http:// or https:// URL'],
    },
    {
      yaml: 'source:\n  prometheus:\n    maxPointsPerQuery: 20000\n',
      problems: ['sextant.yaml: source.prometheus.maxPointsPerQuery: got 20000 (number), expected an integer between 1 and 11000'],
    },
    {
      yaml: 'source:\n  kind: thanos\n',
      problems: ['sextant.yaml: source.kind: got "thanos" (string), expected one of demo, prometheus'],
    },
    {
      yaml: `source:\n  prometheus:\n    url: http://p:9090\n    bearerToken: x\n    basicAuth: { username: u, password: p }\n`,
      problems: ['sextant.yaml: source.prometheus.basicAuth: set either bearerToken or basicAuth, not both'],
    },
    {
      yaml: 'auth:\n  tokens:\n    - name: ci\n      token: 12345\n',
      problems: ['sextant.yaml: auth.tokens[0].token: got a number, expected a secret of at least 16 characters: a string, { env: NAME } or { file: PATH }'],
    },
    {
      yaml: 'auth:\n  tokens:\n    - name: ci\n      token: short\n',
      problems: ['sextant.yaml: auth.tokens[0].token: the secret is 5 characters long, expected at least 16'],
    },
    {
      yaml: `auth:\n  tokens:\n    - name: ci\n      token: ${token}\n      role: root\n`,
      problems: ['sextant.yaml: auth.tokens[0].role: got "root" (string), expected one of viewer, editor, admin'],
    },
    {
      yaml: `auth:\n  tokens:\n    - name: ci\n      token: ${token}\n    - name: ci\n      token: ${token}x\n`,
      problems: ['sextant.yaml: auth.tokens[1].name: "ci" is already the name of auth.tokens[0]'],
    },
    {
      yaml: `auth:\n  tokens:\n    - name: a\n      token: ${token}\n    - name: b\n      token: ${token}\n`,
      problems: ['sextant.yaml: auth.tokens[1].token: same token as auth.tokens[0]'],
    },
    {
      yaml: 'auth:\n  tokens:\n    - name: ci\n      token: { env: SEXTANT_TEST_MISSING }\n',
      problems: ['sextant.yaml: auth.tokens[0].token: environment variable SEXTANT_TEST_MISSING is not set'],
    },
    {
      yaml: 'auth:\n  tokens:\n    - name: ci\n      token: { file: /nonexistent/token }\n',
      problems: ['sextant.yaml: auth.tokens[0].token: cannot read secret file /nonexistent/token: ENOENT'],
    },
    {
      yaml: 'auth:\n  tokens:\n    - token: { vault: x }\n',
      problems: [
        'sextant.yaml: auth.tokens[0].name: got nothing, expected a token name: a letter or _, then up to 63 letters, digits, _ . : -',
        'sextant.yaml: auth.tokens[0].token: got a mapping, expected a secret of at least 16 characters: a string, { env: NAME } or { file: PATH }',
      ],
    },
    {
      yaml: 'datasets:\n  custom:\n    - name: cpu\n      query: ""\n      keepLabels: instance\n',
      problems: [
        'sextant.yaml: datasets.custom[0].query: got "" (string), expected a PromQL expression',
        'sextant.yaml: datasets.custom[0].keepLabels: got "instance" (string), expected a list of label names',
      ],
    },
    {
      yaml: 'datasets:\n  custom:\n    - name: cpu\n      query: up\n      setp: 1m\n',
      problems: ['sextant.yaml: datasets.custom[0].setp: unknown key, did you mean "step"?'],
    },
    {
      yaml: 'datasets:\n  defaultPack: yes please\n',
      problems: ['sextant.yaml: datasets.defaultPack: got "yes please" (string), expected true or false'],
    },
    {
      yaml: 'server: 9890\n',
      problems: ['sextant.yaml: server: got 9890 (number), expected a mapping'],
    },
    {
      yaml: '- server\n',
      problems: [`sextant.yaml: got a list, expected a mapping of sections (${Object.keys(configSchema.shape).join(', ')})`],
    },
    {
      yaml: 'server:\n  port: 1\n  port: 2\n',
      problems: ['sextant.yaml: line 3, column 3: Map keys must be unique'],
    },
    {
      yaml: 'server:\n  port: [1\n',
      problems: ['sextant.yaml: line 3, column 1: Flow sequence in block collection must be sufficiently indented and end with a ]'],
    },
    {
      yaml: '',
      env: { SEXTANT_SERVER_PORT: 'http' },
      problems: ['SEXTANT_SERVER_PORT: server.port: got "http" (string), expected an integer between 1 and 65535'],
    },
    {
      yaml: '',
      env: { SEXTANT_SERVER_PROT: '80' },
      problems: ['SEXTANT_SERVER_PROT: no such setting, did you mean SEXTANT_SERVER_PORT?'],
    },
    {
      yaml: '',
      env: { SEXTANT_SOURCE_KIND: 'prometheus', SEXTANT_SOURCE_PROMETHEUS_URL: 'ftp://p' },
      problems: ['SEXTANT_SOURCE_PROMETHEUS_URL: source.prometheus.url: got "ftp://p" (string), expected an http:// or https:// URL'],
    },
  ];
  for (const row of table) {
    test(`${JSON.stringify(row.yaml)} ${row.env ? JSON.stringify(row.env) : ''}`, () => {
      assert.deepEqual(problemsOf(row.yaml, row.env), row.problems);
    });
  }
});

describe('valid configs', () => {
  test('an empty file gives every default', () => {
    const config = parseConfig('', options());
    assert.equal(config.server.port, 9890);
    assert.equal(config.server.listen, '0.0.0.0');
    assert.equal(config.source.kind, 'demo');
    assert.equal(config.ingest.interval, 60_000);
    assert.equal(config.warehouse.retention['5m'], 90 * 86_400_000);
    assert.equal(config.warehouse.path, '/srv/sextant/data/sextant.duckdb');
    assert.equal(config.source.prometheus.maxPointsPerQuery, 11000);
    assert.equal(config.datasets.defaultPack, true);
    assert.deepEqual(config.auth.tokens, []);
  });

  test('durations are Prometheus-style and compose', () => {
    const config = parseConfig('ingest:\n  interval: 1h30m\n  delay: 0s\n  initialLookback: 2w\n', options());
    assert.equal(config.ingest.interval, 90 * 60_000);
    assert.equal(config.ingest.delay, 0);
    assert.equal(config.ingest.initialLookback, 14 * 86_400_000);
  });

  test('a prometheus source with its settings', () => {
    const config = parseConfig(
      'source:\n  kind: prometheus\n  prometheus:\n    url: https://prom.example:9090/\n    timeout: 10s\n    concurrency: 2\n    headers: { X-Scope-OrgID: team-a }\n',
      options(),
    );
    assert.equal(config.source.prometheus.url, 'https://prom.example:9090/');
    assert.equal(config.source.prometheus.timeout, 10_000);
    assert.equal(config.source.prometheus.concurrency, 2);
    assert.deepEqual(config.source.prometheus.headers, { 'X-Scope-OrgID': 'team-a' });
  });
});

describe('environment overrides', () => {
  test('every kind of scalar, nested keys, list items and booleans', () => {
    const config = parseConfig(`auth:\n  tokens:\n    - name: ci\n      token: ${token}\n`, options({
      SEXTANT_SERVER_PORT: '9999',
      SEXTANT_SERVER_BODY_LIMIT_BYTES: '2048',
      SEXTANT_LOG_LEVEL: 'debug',
      SEXTANT_WAREHOUSE_RETENTION_5M: '10d',
      SEXTANT_WAREHOUSE_PATH: '/var/lib/sextant/w.duckdb',
      SEXTANT_SOURCE_KIND: 'prometheus',
      SEXTANT_SOURCE_PROMETHEUS_URL: 'http://prometheus:9090',
      SEXTANT_SOURCE_PROMETHEUS_BEARER_TOKEN: 'from-env',
      SEXTANT_AUTH_TOKENS_0_ROLE: 'admin',
      SEXTANT_DATASETS_DEFAULT_PACK: 'false',
      SEXTANT_DATASETS_CUSTOM_0_NAME: 'errors',
      SEXTANT_DATASETS_CUSTOM_0_QUERY: 'sum(rate(errors_total[5m]))',
      SEXTANT_DATASETS_CUSTOM_0_KEEP_LABELS_0: 'job',
      SEXTANT_UNRELATED_THING: 'left alone',
      SEXTANT_CONFIG: 'other.yaml',
    }));
    assert.equal(config.server.port, 9999);
    assert.equal(config.server.bodyLimitBytes, 2048);
    assert.equal(config.log.level, 'debug');
    assert.equal(config.warehouse.retention['5m'], 10 * 86_400_000);
    assert.equal(config.warehouse.path, '/var/lib/sextant/w.duckdb');
    assert.equal(config.source.kind, 'prometheus');
    assert.equal(config.source.prometheus.url, 'http://prometheus:9090');
    assert.equal(config.source.prometheus.bearerToken?.reveal(), 'from-env');
    assert.equal(config.auth.tokens[0]?.role, 'admin');
    assert.equal(config.datasets.defaultPack, false);
    assert.deepEqual(config.datasets.custom, [{ name: 'errors', query: 'sum(rate(errors_total[5m]))', keepLabels: ['job'] }]);
  });

  test('the env wins over the file', () => {
    const config = parseConfig('server:\n  port: 1234\n', options({ SEXTANT_SERVER_PORT: '4321' }));
    assert.equal(config.server.port, 4321);
  });

  test('the config file comes from --config, else SEXTANT_CONFIG, else sextant.yaml', () => {
    assert.equal(configFileFrom('a.yaml', { SEXTANT_CONFIG: 'b.yaml' }), 'a.yaml');
    assert.equal(configFileFrom(undefined, { SEXTANT_CONFIG: 'b.yaml' }), 'b.yaml');
    assert.equal(configFileFrom(undefined, {}), 'sextant.yaml');
  });
});

describe('secrets', () => {
  test('from env and from a file (relative to the config file), trailing newline dropped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sextant-config-'));
    try {
      writeFileSync(join(dir, 'viewer.token'), 'file-token-0123456789\n');
      writeFileSync(join(dir, 'prom.password'), 'hunter2-file');
      const file = join(dir, 'sextant.yaml');
      writeFileSync(
        file,
        [
          'auth:',
          '  tokens:',
          '    - { name: ops, token: { env: OPS_TOKEN }, role: admin }',
          '    - { name: dash, token: { file: viewer.token } }',
          'source:',
          '  prometheus:',
          '    basicAuth: { username: sextant, password: { file: prom.password } }',
          '',
        ].join('\n'),
      );
      const config = loadConfig(file, { OPS_TOKEN: 'env-token-0123456789' });
      assert.equal(config.auth.tokens[0]?.token.reveal(), 'env-token-0123456789');
      assert.equal(config.auth.tokens[1]?.token.reveal(), 'file-token-0123456789');
      assert.equal(config.source.prometheus.basicAuth?.password.reveal(), 'hunter2-file');

      const dump = dumpConfig(config);
      for (const secret of ['env-token-0123456789', 'file-token-0123456789', 'hunter2-file']) {
        assert.ok(!dump.includes(secret), `dump shows ${secret}`);
        assert.ok(!inspect(config, { depth: 10 }).includes(secret), `inspect shows ${secret}`);
        assert.ok(!JSON.stringify(config).includes(secret), `JSON shows ${secret}`);
      }
      assert.match(dump, /"token": "\[redacted\]"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('secret-looking headers are redacted in dumps', () => {
    const config = parseConfig('source:\n  prometheus:\n    headers: { Authorization: Bearer abc123, X-Scope-OrgID: team-a }\n', options());
    const dump = dumpConfig(config);
    assert.ok(!dump.includes('abc123'));
    assert.match(dump, /"X-Scope-OrgID": "team-a"/);
  });

  test('a wrong secret value is never echoed in errors', () => {
    const problems = problemsOf('auth:\n  tokens:\n    - name: ci\n      token: [sup3r-s3cret-valu3]\n');
    assert.ok(!problems.join('\n').includes('sup3r'), problems.join('\n'));
  });

  test('a missing config file is a clear error', () => {
    assert.throws(() => loadConfig('/nonexistent/sextant.yaml', {}), {
      message: '/nonexistent/sextant.yaml: cannot read the config file: ENOENT',
    });
  });
});

describe('the shipped files', () => {
  const root = join(import.meta.dirname, '..', '..', '..');

  test('sextant.yaml loads: demo source, port 9890, the demo token, the warehouse beside it', () => {
    const config = loadConfig(join(root, 'sextant.yaml'), {});
    assert.equal(config.source.kind, 'demo');
    assert.equal(config.server.port, 9890);
    assert.equal(config.warehouse.path, join(root, 'data', 'sextant.duckdb'));
    assert.deepEqual(
      config.auth.tokens.map((t) => [t.name, t.token.reveal(), t.tenant, t.role]),
      [['demo', 'sextant-demo-token-not-secret', 'default', 'admin']],
    );
  });

  test('switching it to a Prometheus is the documented change', () => {
    const config = loadConfig(join(root, 'sextant.yaml'), { SEXTANT_SOURCE_KIND: 'prometheus', SEXTANT_SOURCE_PROMETHEUS_URL: 'http://prometheus:9090' });
    assert.equal(config.source.prometheus.url, 'http://prometheus:9090');
  });

  test('every setting\'s environment variable is documented in docs/ (configuration.md or the area\'s page)', () => {
    const docs = readdirSync(join(root, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => readFileSync(join(root, 'docs', name), 'utf8'))
      .join('\n');
    const missing = scalarFields(configSchema).map((f) => envName(f.path)).filter((name) => !docs.includes(`\`${name}\``));
    assert.deepEqual(missing, []);
  });

  test('no two settings share a variable', () => {
    const names = scalarFields(configSchema).map((f) => envName(f.path));
    assert.equal(new Set(names).size, names.length);
  });
});
