// The gate model shipped with the extension (models/gate-default.json, trained on the CUPS dev events and
// copied to dist/models/ by the build). Used until the user's own events have trained a model of their own.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadGateModel, type CompiledGate } from '../../../common/gate/model';

export const DEFAULT_MODEL_FILE = 'gate-default.json';

/** Where the shipped model is: next to the bundle (dist/models/) or, when run from source, in models/. */
export function defaultModelPath(): string {
  const candidates = [join(__dirname, 'models', DEFAULT_MODEL_FILE), join(__dirname, '..', '..', '..', 'models', DEFAULT_MODEL_FILE)];
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`the shipped gate model is missing (looked in ${candidates.join(', ')}); rebuild with npm run build`);
  return found;
}

export function loadDefaultGate(): CompiledGate {
  return loadGateModel(JSON.parse(readFileSync(defaultModelPath(), 'utf8')));
}
