// The walkthrough in package.json: the four steps a new user is led through, each with its page in
// media/walkthrough/, and every command its buttons run declared by Loopwise (or VS Code's own workbench.*).
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

interface Step {
  id: string;
  title: string;
  description: string;
  media: { markdown?: string };
  completionEvents?: string[];
}

describe('walkthrough', () => {
  const [walkthrough] = manifest.contributes.walkthroughs as { id: string; steps: Step[] }[];

  it('leads through running the tests, a verified fix, tutor mode and setting a model', () => {
    assert.equal(walkthrough.id, 'gettingStarted', 'extension.ts opens loopwise.loopwise#gettingStarted');
    assert.deepEqual(walkthrough.steps.map((s) => s.title), ['Run the Tests', 'Find a Verified Fix', 'Try Tutor Mode', 'Set a Model']);
  });

  it('has a page for every step and only buttons that run existing commands', () => {
    const declared = new Set(manifest.contributes.commands.map((c: { command: string }) => c.command));
    for (const step of walkthrough.steps) {
      assert.ok(step.media.markdown && existsSync(join(root, step.media.markdown)), `${step.id}: no page ${step.media.markdown}`);
      for (const [, command] of step.description.matchAll(/\(command:([\w.]+)/g)) {
        assert.ok(declared.has(command) || command.startsWith('workbench.'), `${step.id} runs ${command}, which nobody declares`);
      }
      for (const event of step.completionEvents ?? []) {
        const [kind, what] = event.split(':');
        if (kind === 'onCommand') assert.ok(declared.has(what), `${step.id} completes on ${what}, which nobody declares`);
        if (kind === 'onSettingChanged') assert.ok(manifest.contributes.configuration.properties[what], `${step.id} completes on an unknown setting ${what}`);
      }
    }
  });
});
