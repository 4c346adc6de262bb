// Reading the few settings test discovery needs from runners' configuration files (INI, the pytest table
// of pyproject.toml, .mocharc in JSON, YAML or JS), and glob patterns as regular expressions. Small readers
// for the shapes these settings take, not general parsers.
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** A glob (`**`, `*`, `?`, `{a,b}`, `?(a|b)`, `[abc]`) as an anchored regular expression over '/'-paths. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches any number of folders, none included.
      if (glob[i + 2] === '/') { re += '(?:.*/)?'; i += 2; } else { re += '.*'; i += 1; }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?' && glob[i + 1] === '(') {
      const end = glob.indexOf(')', i);
      re += `(?:${glob.slice(i + 2, end).split('|').map(escape).join('|')})?`;
      i = end;
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      re += `(?:${glob.slice(i + 1, end).split(',').map((p) => globToRegExp(p).source.slice(1, -1)).join('|')})`;
      i = end;
    } else if (c === '[') {
      const end = glob.indexOf(']', i);
      re += glob.slice(i, end + 1);
      i = end;
    } else re += escape(c);
  }
  return new RegExp(`^${re}$`);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** An INI key of the first of `sections` that has it, split on whitespace (values may continue on indented lines). */
export function iniValue(text: string, sections: string[], key: string): string[] | undefined {
  const lines = text.split(/\r?\n/);
  let inSection = false;
  for (let i = 0; i < lines.length; i++) {
    const head = lines[i].match(/^\[([^\]]+)\]/);
    if (head) { inSection = sections.includes(head[1].trim()); continue; }
    const kv = inSection ? lines[i].match(/^([\w.-]+)\s*[=:]\s*(.*)$/) : null;
    if (!kv || kv[1] !== key) continue;
    const out = kv[2].trim().split(/\s+/).filter(Boolean);
    for (let j = i + 1; j < lines.length && /^\s+\S/.test(lines[j]) && !/^\s*[#;]/.test(lines[j]); j++) out.push(...lines[j].trim().split(/\s+/));
    return out;
  }
  return undefined;
}

/** A key of a TOML table: a string or an array of strings (possibly over several lines). */
export function tomlValue(text: string, table: string, key: string): string[] | undefined {
  const start = text.search(new RegExp(`^\\[${escape(table)}\\]\\s*$`, 'm'));
  if (start < 0) return undefined;
  const rest = text.slice(start).split(/\r?\n/).slice(1);
  const end = rest.findIndex((l) => /^\[/.test(l));
  const body = (end < 0 ? rest : rest.slice(0, end)).join('\n');
  const m = body.match(new RegExp(`^${escape(key)}\\s*=\\s*(\\[[^\\]]*\\]|"[^"]*"|'[^']*')`, 'm'));
  if (!m) return undefined;
  const strings = [...m[1].matchAll(/"([^"]*)"|'([^']*)'/g)].map((s) => s[1] ?? s[2]);
  return m[1].startsWith('[') ? strings : strings[0].split(/\s+/).filter(Boolean);
}

/**
 * mocha's spec as globs: from .mocharc (JSON/JSONC, YAML, JS) or package.json "mocha", else mocha's default
 * ./test/*.{js,cjs,mjs}; a folder stands for the files in it with mocha's extensions (all below it with
 * `recursive`).
 */
export function mochaSpec(root: string, fromPackage: unknown, read: (root: string, name: string) => string | undefined): string[] {
  let spec: string[] | undefined;
  let recursive = false;
  let extensions = ['js', 'cjs', 'mjs'];
  const take = (o: Record<string, unknown> | undefined) => {
    if (!o) return;
    if (o.spec !== undefined) spec = ([] as unknown[]).concat(o.spec).map(String);
    if (o.recursive !== undefined) recursive = o.recursive === true || o.recursive === 'true';
    if (o.extension !== undefined) extensions = ([] as unknown[]).concat(o.extension).map(String);
  };
  for (const name of ['.mocharc.js', '.mocharc.cjs', '.mocharc.yaml', '.mocharc.yml', '.mocharc.jsonc', '.mocharc.json']) {
    const text = read(root, name);
    if (text === undefined) continue;
    take(name.endsWith('.json') || name.endsWith('.jsonc') ? parseJsonc(text) : name.endsWith('.js') || name.endsWith('.cjs') ? jsConfig(text) : yamlConfig(text));
    break;
  }
  if (fromPackage && typeof fromPackage === 'object') take(fromPackage as Record<string, unknown>);
  const ext = `{${extensions.map((e) => e.replace(/^\./, '')).join(',')}}`;
  return (spec ?? ['./test']).map((s) => {
    const p = s.replace(/^\.\//, '').replace(/\/$/, '');
    const isDir = !/[*?{[]/.test(p) && existsSync(join(root, p)) && statSync(join(root, p)).isDirectory();
    return isDir ? `${p}/${recursive ? '**/' : ''}*.${ext}` : p;
  });
}

function parseJsonc(text: string): Record<string, unknown> | undefined {
  try { return JSON.parse(text.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*|\/\*[\s\S]*?\*\//g, (_m, s) => s ?? '')); } catch { return undefined; }
}

function yamlConfig(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const kv = line.match(/^([\w-]+):\s*(.*)$/);
    if (!kv) return;
    const value = kv[2].replace(/\s+#.*$/, '').trim();
    if (value) out[kv[1]] = value.startsWith('[') ? value.slice(1, -1).split(',').map(unquote) : unquote(value);
    else out[kv[1]] = lines.slice(i + 1).filter((_, j, a) => a.slice(0, j + 1).every((l) => /^\s*-\s/.test(l))).map((l) => unquote(l.replace(/^\s*-\s*/, '')));
  });
  return out;
}

function jsConfig(text: string): Record<string, unknown> {
  // Not evaluated (it is the user's code): the literal values of spec, recursive and extension.
  const out: Record<string, unknown> = {};
  for (const key of ['spec', 'recursive', 'extension']) {
    const m = text.match(new RegExp(`\\b${key}\\s*:\\s*(\\[[^\\]]*\\]|'[^']*'|"[^"]*"|true|false)`));
    if (m) out[key] = m[1].startsWith('[') ? [...m[1].matchAll(/'([^']*)'|"([^"]*)"/g)].map((s) => s[1] ?? s[2]) : m[1] === 'true' ? true : m[1] === 'false' ? false : unquote(m[1]);
  }
  return out;
}

function unquote(s: string): string {
  return s.trim().replace(/^['"]|['"]$/g, '');
}
