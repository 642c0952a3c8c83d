// What a new contributor reads first: the licence package.json names, and CONTRIBUTING.md saying
// which files beside the clone (../shared) the tests and benchmarks read and which Debian packages they use.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

test('LICENSE holds the full Apache License 2.0 that every package.json names', () => {
  const license = read('LICENSE').replace(/\s+/g, ' ');
  assert.match(license, /^ ?Apache License Version 2\.0, January 2004 http:\/\/www\.apache\.org\/licenses\//);
  for (let section = 1; section <= 9; section++) assert.match(license, new RegExp(` ${section}\\. [A-Z][a-z]+`), `section ${section}`);
  assert.match(license, /END OF TERMS AND CONDITIONS/);
  for (const manifest of ['package.json', 'plugins/sextant-app/package.json']) {
    assert.equal((JSON.parse(read(manifest)) as { license: string }).license, 'Apache-2.0', manifest);
  }
});

/** Every .ts file under `dir` (node_modules and dist left out). */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist') return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : [];
  });
}

test('CONTRIBUTING.md names every path under ../shared that a test or benchmark reads', () => {
  const contributing = read('CONTRIBUTING.md');
  const files = ['tests', 'bench', 'plugins/sextant-app/tests'].flatMap((dir) => sources(join(root, dir)));
  const readers = files.filter((file) => /'shared'/.test(readFileSync(file, 'utf8')));
  assert.ok(readers.length >= 2, `found ${readers.length} readers of ../shared`);
  for (const file of readers) {
    const text = readFileSync(file, 'utf8');
    // join(..., 'shared', 'datasets', 'nab') and the like: the segments after 'shared'.
    for (const [, segments] of text.matchAll(/'shared',((?:\s*'[^']+',?)+)/g)) {
      const path = `../shared/${[...segments!.matchAll(/'([^']+)'/g)].map((m) => m[1]).join('/')}`;
      assert.ok(contributing.includes(path), `${relative(root, file)} reads ${path}, which CONTRIBUTING.md does not name`);
    }
  }
  for (const user of ['tests/anomaly-nab.test.ts', 'plugins/sextant-app/tests/plugin-json.test.ts']) assert.ok(contributing.includes(user), user);
});

test('CONTRIBUTING.md names every Debian package that .ci/run installs for the tests', () => {
  const install = /apt-get install -y (.+)/.exec(read('.ci/run'))?.[1];
  assert.ok(install, '.ci/run has an apt-get install line');
  const packages = install.split(/\s+/).filter((word) => !word.startsWith('-'));
  assert.ok(packages.includes('prometheus') && packages.length >= 5, packages.join(' '));
  const contributing = read('CONTRIBUTING.md');
  for (const name of packages) assert.ok(contributing.includes(`\`${name}\``), `.ci/run installs ${name}, which CONTRIBUTING.md does not name`);
});
