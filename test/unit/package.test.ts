// Checks the extension manifest (package.json) against the code: the VS Code version it targets, the
// settings typed in common/protocol.ts, the commands the extension registers, and what the .vsix ships.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { defaultSettings } from '../../common/protocol';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const properties: Record<string, { default?: unknown; description?: string; scope?: string }> = manifest.contributes.configuration.properties;
const declaredCommands: string[] = manifest.contributes.commands.map((c: { command: string }) => c.command);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function minorOf(range: string): [number, number] {
  const m = /(\d+)\.(\d+)/.exec(range);
  assert.ok(m, `cannot read a version from ${range}`);
  return [Number(m[1]), Number(m[2])];
}

describe('extension manifest', () => {
  it('targets VS Code 1.100 or older, and no older than the @types/vscode it is compiled against', () => {
    const [major, minor] = minorOf(manifest.engines.vscode);
    assert.ok(major === 1 && minor <= 100, `engines.vscode ${manifest.engines.vscode} is newer than 1.100`);
    const [, typesMinor] = minorOf(manifest.devDependencies['@types/vscode']);
    assert.ok(typesMinor <= minor, `@types/vscode ${manifest.devDependencies['@types/vscode']} is newer than engines.vscode`);
  });

  it('declares every LoopwiseSettings key with the same default, a description and a scope', () => {
    // A nested settings object may be declared whole (loopwise.llm) or leaf by leaf (loopwise.llm.baseUrl).
    const check = (key: string, value: unknown): void => {
      const prop = properties[key];
      if (!prop && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) check(`${key}.${k}`, v);
        return;
      }
      assert.ok(prop, `${key} is missing from contributes.configuration`);
      assert.deepEqual(prop.default, value, `${key}: default differs from defaultSettings`);
      assert.ok(prop.scope, `${key} declares no scope`);
      assert.ok(prop.description && prop.description.length > 10, `${key} has no description`);
    };
    for (const [key, value] of Object.entries(defaultSettings)) check(`loopwise.${key}`, value);
    // test runs are configured per workspace folder
    for (const key of ['runOnSave', 'testTimeoutSeconds', 'runTimeoutSeconds']) assert.equal(properties[`loopwise.${key}`].scope, 'resource');
  });

  it('declares every command the extension registers, and registers every declared command', () => {
    const commandsTs = readFileSync(join(root, 'extension/src/commands.ts'), 'utf8');
    const block = /export const CommandIds = \{([^}]*)\}/.exec(commandsTs);
    assert.ok(block, 'extension/src/commands.ts has no CommandIds table');
    const ids = [...block[1].matchAll(/'(loopwise\.[\w.]+)'/g)].map((m) => m[1]);
    assert.ok(ids.includes('loopwise.runFileTests') && ids.includes('loopwise.runWorkspaceTests'));
    assert.deepEqual([...ids].sort(), [...declaredCommands].sort());

    for (const file of sources(join(root, 'extension/src'))) {
      const text = readFileSync(file, 'utf8');
      for (const call of text.matchAll(/registerCommand\(\s*([^,]+),/g)) {
        assert.match(call[1], /^CommandIds\.\w+$/, `${file} registers ${call[1]}: take ids from CommandIds`);
      }
    }
    const menus: Record<string, { command: string }[]> = manifest.contributes.menus ?? {};
    for (const entry of Object.values(menus).flat()) {
      assert.ok(declaredCommands.includes(entry.command), `a menu uses the undeclared command ${entry.command}`);
    }
  });

  it('packs only the bundles, grammars, media and docs into a .vsix of at most 5 MB', function () {
    this.timeout(60000);
    assert.ok(existsSync(join(root, 'dist/extension.js')), 'dist/ is not built: run `npm run build` first');
    const vsce = join(root, 'node_modules/.bin/vsce');
    const files = execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' }).trim().split('\n');
    for (const f of ['package.json', 'README.md', 'LICENSE', 'dist/extension.js', 'dist/server.js', 'dist/gateTrainWorker.js', 'dist/tree-sitter.wasm', manifest.icon]) {
      assert.ok(files.includes(f), `${f} is not in the package`);
    }
    const unwanted = files.filter((f) => /\.(map|ts)$/.test(f) || /^(extension|server|test|common|scripts|bench|demo|node_modules)\//.test(f));
    assert.deepEqual(unwanted, [], 'sources, tests or maps would be shipped');
    const vsix = join(mkdtempSync(join(tmpdir(), 'loopwise-vsix-')), 'loopwise.vsix');
    execFileSync(vsce, ['package', '--no-dependencies', '--out', vsix], { cwd: root, stdio: 'ignore' });
    const bytes = statSync(vsix).size;
    rmSync(dirname(vsix), { recursive: true, force: true });
    assert.ok(bytes <= 5 * 1024 * 1024, `the .vsix is ${(bytes / 1048576).toFixed(1)} MB, over the 5 MB budget`);
  });
});
