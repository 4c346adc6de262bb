// Real Jest and Vitest projects for the tests: a fixture's package.json is installed from the npm registry
// once into a cache folder named by its hash (~/.cache/loopwise/test-projects), and each test gets a fresh
// copy of the fixture whose node_modules links to that install.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const fixtures = resolve(__dirname, '../../fixtures/run');
const cacheRoot = process.env.LOOPWISE_TEST_PROJECTS ?? join(homedir(), '.cache', 'loopwise', 'test-projects');
const made: string[] = [];

/** The install folder for a fixture's package.json, installing it first if needed. */
async function installFor(fixture: string): Promise<string> {
  const pkg = await fs.readFile(join(fixtures, fixture, 'package.json'), 'utf8');
  const dir = join(cacheRoot, `${fixture}-${createHash('sha256').update(pkg).digest('hex').slice(0, 12)}`);
  const marker = join(dir, '.installed');
  if (existsSync(marker)) return dir;
  await fs.rm(dir, { recursive: true, force: true });
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(join(dir, 'package.json'), pkg);
  await new Promise<void>((done, fail) => {
    execFile('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock'], { cwd: dir, timeout: 10 * 60_000, maxBuffer: 16 << 20 }, (err, _out, stderr) => {
      if (!err) return done();
      fail(new Error(`npm install for the ${fixture} fixture failed (is the npm registry reachable?):\n${stderr.trim().split('\n').slice(-10).join('\n')}`));
    });
  });
  await fs.writeFile(marker, new Date().toISOString());
  return dir;
}

/**
 * A fresh copy of fixture `name` with its dependencies installed (unless `install` is false), plus `extra`
 * files (workspace-relative path -> content). Removed by removeProjects().
 */
export async function project(name: string, extra: Record<string, string> = {}, install = true): Promise<string> {
  const dir = await fs.mkdtemp(join(tmpdir(), `loopwise-${name}-`));
  made.push(dir);
  await fs.cp(join(fixtures, name), dir, { recursive: true });
  if (install) await fs.symlink(join(await installFor(name), 'node_modules'), join(dir, 'node_modules'));
  for (const [rel, text] of Object.entries(extra)) {
    await fs.mkdir(dirname(join(dir, rel)), { recursive: true });
    await fs.writeFile(join(dir, rel), text);
  }
  return dir;
}

/** Installs the fixtures' dependencies up front (a before() hook with a long timeout). */
export async function installFixtures(...names: string[]): Promise<void> {
  for (const n of names) await installFor(n);
}

export async function removeProjects(): Promise<void> {
  await Promise.all(made.splice(0).map((d) => fs.rm(d, { recursive: true, force: true })));
}
