import * as assert from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildExamples } from '../../../server/src/gate/examples';
import { syntheticEvents } from '../../../server/src/gate/synthetic';

const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli.ts', 'gate', ...args], { encoding: 'utf8' });

describe('loopwise gate CLI', function () {
  this.timeout(120_000);
  let dir = '';
  before(() => { dir = mkdtempSync(join(tmpdir(), 'lw-gate-cli-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('trains a model, then evaluates it, skipping and counting malformed lines', () => {
    const train = join(dir, 'train.jsonl'), test = join(dir, 'test.jsonl'), model = join(dir, 'model.json'), out = join(dir, 'eval.json');
    const trainEvents = syntheticEvents({ suggestions: 700, users: 4, seed: 21 });
    writeFileSync(train, trainEvents.slice(0, 600).map((e) => JSON.stringify(e) + '\n').join(''));
    const more = join(dir, 'more.jsonl');
    writeFileSync(more, trainEvents.slice(600).map((e) => JSON.stringify(e) + '\n').join(''));
    const testEvents = syntheticEvents({ suggestions: 400, users: 3, seed: 22 });
    const lines = testEvents.map((e) => JSON.stringify(e));
    lines.splice(5, 0, '{"v":1,"id":"broken"', 'not json at all');
    lines.splice(40, 0, JSON.stringify({ ...testEvents[0], ts: 'yesterday' }));
    writeFileSync(test, lines.join('\n') + '\n');

    const t = cli('train', '--events', train, '--events', more, '--out', model);
    assert.strictEqual(t.status, 0, t.stderr);
    assert.match(t.stdout, /trained on \d+ decisions/);
    const m = JSON.parse(readFileSync(model, 'utf8'));
    assert.strictEqual(m.trainedOn.decisions, buildExamples(trainEvents).n, 'both --events files were read');

    const r = cli('eval', '--model', model, '--events', test, '--json', out);
    assert.strictEqual(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepStrictEqual(JSON.parse(readFileSync(out, 'utf8')), report);
    assert.strictEqual(report.malformedLines, 3);
    const ex = buildExamples(testEvents);
    assert.strictEqual(report.decisions, ex.n);
    assert.strictEqual(report.accepted, ex.y.reduce((a, v) => a + v, 0));
    assert.ok(report.auc > 0.7 && report.auc <= 1, `auc ${report.auc}`);
    for (const k of ['hideAtKeep95', 'hideAtKeep90']) assert.ok(report[k] > 0 && report[k] < 1, `${k} ${report[k]}`);
    assert.ok(report.hideAtKeep90 >= report.hideAtKeep95);
    assert.ok(report.stage1.auc > 0.4 && report.stage1.auc < 1);
    assert.ok(report.stage1.skipAtKeep95 >= 0 && report.stage1.skipAtKeep95 < 1);
  });

  it('explains bad input without a stack trace', () => {
    const missing = cli('eval', '--model', join(dir, 'nope.json'), '--events', join(dir, 'nope.jsonl'));
    assert.strictEqual(missing.status, 2);
    assert.match(missing.stderr, /cannot read model .*nope\.json/);
    assert.doesNotMatch(missing.stderr, /\n\s+at /);
    const v2 = join(dir, 'v2.jsonl');
    writeFileSync(v2, JSON.stringify({ ...syntheticEvents({ suggestions: 1 })[0], v: 2 }) + '\n');
    const t = cli('train', '--events', v2, '--out', join(dir, 'm.json'));
    assert.strictEqual(t.status, 2);
    assert.match(t.stderr, /line 1: unsupported schema version 2/);
    const few = join(dir, 'few.jsonl');
    writeFileSync(few, syntheticEvents({ suggestions: 5 }).map((e) => JSON.stringify(e)).join('\n'));
    const f = cli('train', '--events', few, '--out', join(dir, 'm.json'));
    assert.strictEqual(f.status, 2);
    assert.match(f.stderr, /need at least 20 decided/);
    assert.strictEqual(cli('train', '--out', 'x').status, 2);
  });
});
