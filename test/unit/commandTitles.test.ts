// One casing for command titles: every title in package.json is in Title Case, and wherever the README, the
// manifest's descriptions or the code name a palette command ("Loopwise: <title>"), it is spelled as declared.
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const manifestText = readFileSync(join(root, 'package.json'), 'utf8');
const manifest = JSON.parse(manifestText);
const titles: string[] = manifest.contributes.commands.map((c: { title: string }) => c.title);
// Short function words stay lower case inside a title ("Run Tests in Current File", "Get a Hint").
const SMALL = new Set(['a', 'an', 'and', 'as', 'at', 'by', 'for', 'in', 'of', 'on', 'or', 'the', 'to', 'with']);

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p, ext) : ext.test(name) ? [p] : [];
  });
}

describe('command titles', () => {
  it('are in Title Case in package.json', () => {
    for (const title of titles) {
      title.split(' ').forEach((word, i) => {
        const small = i > 0 && SMALL.has(word);
        assert.ok(small || /^[A-Z0-9]/.test(word), `"${title}": "${word}" should start with a capital`);
      });
    }
  });

  it('are spelled as declared wherever "Loopwise: <command>" is mentioned', () => {
    const sources = [join(root, 'README.md'), ...files(join(root, 'media'), /\.(md|html|js)$/),
      ...files(join(root, 'extension', 'src'), /\.ts$/), ...files(join(root, 'server', 'src'), /\.ts$/)];
    const texts = [{ file: 'package.json', text: manifestText }, ...sources.map((f) => ({ file: f.slice(root.length + 1), text: readFileSync(f, 'utf8') }))];
    const declared = new Set(titles.map((t) => t.toLowerCase()));
    let mentions = 0;
    for (const { file, text } of texts) {
      // The longest declared title that a mention starts with, whatever its case, must match it exactly.
      for (const m of text.matchAll(/Loopwise: ([A-Za-z][A-Za-z ]*[A-Za-z])/g)) {
        const said = m[1];
        const title = titles.filter((t) => said.toLowerCase().startsWith(t.toLowerCase())).sort((a, b) => b.length - a.length)[0];
        if (!title) continue;
        mentions++;
        assert.equal(said.slice(0, title.length), title, `${file} writes "Loopwise: ${said.slice(0, title.length)}"; the command is "${title}"`);
      }
    }
    assert.ok(declared.size > 10 && mentions > 10, `only ${mentions} mentions found: the check is not reading the files`);
  });
});
