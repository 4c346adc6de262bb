// Loopwise settings per resource: asked from the client with workspace/configuration (section
// 'loopwise') when it supports that, else taken from initializationOptions or didChangeConfiguration
// payloads (both shaped { loopwise: {...} }: editors such as Neovim 0.7 send only those). Values are checked
// against the defaults' shapes, so a malformed setting falls back to its default instead of breaking a run.
// No request goes out before the client's `initialized`: clients register their handler only then.
import { Emitter, type Connection, type Event } from 'vscode-languageserver/node';
import { defaultSettings, type LoopwiseSettings } from '../../../common/protocol';
import manifest from '../../../package.json';

// The declared minimums: 0 is a real choice for some settings (hints.alpha / beta), not a missing value.
const minimums = new Map(Object.entries(manifest.contributes.configuration.properties as Record<string, { minimum?: number }>)
  .map(([key, p]) => [key, p.minimum]));

export class SettingsStore {
  private readonly cache = new Map<string, Promise<LoopwiseSettings>>();
  private pushed: unknown;
  private supportsConfiguration = false;
  private markInitialized!: () => void;
  /** Resolves on the client's `initialized`: vscode-languageclient answers workspace/configuration only after
   *  the initialize result, so a request sent while initialize is handled fails ("Unhandled method"). */
  private readonly clientReady = new Promise<void>((resolve) => { this.markInitialized = resolve; });
  private readonly changed = new Emitter<void>();
  /** Fires after the client reported a configuration change; cached values are gone by then. */
  readonly onDidChange: Event<void> = this.changed.event;

  constructor(private readonly connection: Connection, private readonly log: (message: string) => void) {}

  /** From initialize: whether the client answers workspace/configuration, and its initializationOptions. */
  initialize(supportsConfiguration: boolean, initializationOptions: unknown): void {
    this.supportsConfiguration = supportsConfiguration;
    if (isRecord(initializationOptions) && initializationOptions.loopwise !== undefined) this.pushed = initializationOptions.loopwise;
  }

  /** From the client's `initialized` notification: workspace/configuration may be sent from now on. */
  initialized(): void {
    this.markInitialized();
  }

  /** Settings for a file or folder URI (undefined: the global scope). */
  get(scopeUri?: string): Promise<LoopwiseSettings> {
    // Pushed settings have one scope; checked once per change, so an invalid value is reported once too.
    const key = this.supportsConfiguration ? scopeUri ?? '' : '';
    let value = this.cache.get(key);
    if (!value) {
      value = !this.supportsConfiguration ? Promise.resolve(this.sanitize(this.pushed)) : this.ask(scopeUri, () => {
        if (this.cache.get(key) === value) this.cache.delete(key);
      });
      this.cache.set(key, value);
    }
    return value;
  }

  private async ask(scopeUri: string | undefined, forget: () => void): Promise<LoopwiseSettings> {
    await this.clientReady;
    try {
      return this.sanitize(await this.connection.workspace.getConfiguration({ scopeUri, section: 'loopwise' }));
    } catch (err) {
      // Not kept: the next read asks again. Meanwhile what the client pushed beats the defaults.
      forget();
      this.log(`could not read settings (${err instanceof Error ? err.message : String(err)}); using ${this.pushed === undefined ? 'defaults' : 'the settings the client sent'} for now`);
      return this.sanitize(this.pushed);
    }
  }

  /** Handler for workspace/didChangeConfiguration. */
  didChange(settings: unknown): void {
    const section = isRecord(settings) ? settings.loopwise : undefined;
    if (section !== undefined) this.pushed = section;
    this.cache.clear();
    this.changed.fire();
  }

  private sanitize(raw: unknown): LoopwiseSettings {
    const problems: string[] = [];
    const value = mergeChecked(defaultSettings, raw, 'loopwise', problems) as LoopwiseSettings;
    if (problems.length) this.log(`ignoring invalid settings: ${problems.join('; ')}`);
    return value;
  }
}

/** `raw` laid over `defaults`, keeping only values of the default's type (numbers: finite and > 0, or 0 where
 *  package.json declares minimum 0). */
export function mergeChecked(defaults: unknown, raw: unknown, path: string, problems: string[]): unknown {
  if (raw === undefined || raw === null) return structuredClone(defaults);
  if (isRecord(defaults)) {
    if (!isRecord(raw)) {
      problems.push(`${path} should be an object`);
      return structuredClone(defaults);
    }
    const out: Record<string, unknown> = {};
    for (const [key, def] of Object.entries(defaults)) out[key] = mergeChecked(def, raw[key], `${path}.${key}`, problems);
    return out;
  }
  if (typeof defaults === 'number') {
    const minimum = minimums.get(path);
    if (typeof raw === 'number' && Number.isFinite(raw) && (raw > 0 || (minimum !== undefined && raw >= minimum))) return raw;
    problems.push(`${path} should be a ${minimum === 0 ? 'number from 0' : 'positive number'}`);
    return defaults;
  }
  if (typeof raw !== typeof defaults) {
    problems.push(`${path} should be a ${typeof defaults}`);
    return defaults;
  }
  return raw;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
