// The teacher's assignment file `.loopwise/assignment.json`: description, tests, optional reference solution,
// hint policy (maximum level, precision knob alpha/beta). Read and validated with errors naming the field;
// the reference is read for the hint engines only and never shown to the student.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, normalize, relative } from 'node:path';
import type { HintLevel } from '../../../common/protocol';

export interface HintPolicy {
  maxLevel: HintLevel;
  /** Accept an LLM hint when with/n >= alpha ... */
  alpha: number;
  /** ... or when (with - without)/n >= beta. */
  beta: number;
}

export interface Assignment {
  description?: string;
  /** Test files relative to the workspace folder (default: found by naming rules). */
  tests?: string[];
  /** Absolute path of the reference solution, when the teacher gave one. */
  referencePath?: string;
  /** The source file the reference replaces (default: the single source file). */
  solutionFile?: string;
  policy: HintPolicy;
}

export const defaultPolicy: HintPolicy = { maxLevel: 3, alpha: 0.5, beta: 0.25 };

export class AssignmentError extends Error {}

export const assignmentPath = (root: string) => join(root, '.loopwise', 'assignment.json');

function inside(root: string, path: string, field: string, file: string): string {
  const abs = normalize(isAbsolute(path) ? path : join(root, path));
  const rel = relative(root, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) throw new AssignmentError(`${file}: ${field} must be inside the workspace folder, got "${path}"`);
  return abs;
}

function fraction(v: unknown, field: string, file: string, fallback: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new AssignmentError(`${file}: hintPolicy.${field} must be a number between 0 and 1, got ${JSON.stringify(v)}`);
  return v;
}

/** The folder's assignment, or undefined when it has none; AssignmentError when it is malformed. */
export function readAssignment(root: string): Assignment | undefined {
  const file = assignmentPath(root);
  if (!existsSync(file)) return undefined;
  let raw: unknown;
  try { raw = JSON.parse(readFileSync(file, 'utf8')); } catch (e) { throw new AssignmentError(`${file}: not valid JSON (${(e as Error).message})`); }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new AssignmentError(`${file}: expected a JSON object`);
  const a = raw as Record<string, unknown>;
  const known = new Set(['description', 'tests', 'reference', 'solutionFile', 'hintPolicy']);
  const unknown = Object.keys(a).filter((k) => !known.has(k));
  if (unknown.length) throw new AssignmentError(`${file}: unknown field(s) ${unknown.join(', ')} (expected ${[...known].join(', ')})`);
  if (a.description !== undefined && typeof a.description !== 'string') throw new AssignmentError(`${file}: description must be a string`);
  if (a.tests !== undefined && (!Array.isArray(a.tests) || a.tests.some((t) => typeof t !== 'string'))) throw new AssignmentError(`${file}: tests must be an array of file paths`);
  const tests = (a.tests as string[] | undefined)?.map((t) => relative(root, inside(root, t, 'tests', file)));
  for (const t of tests ?? []) if (!existsSync(join(root, t))) throw new AssignmentError(`${file}: test file "${t}" does not exist`);
  let referencePath: string | undefined;
  if (a.reference !== undefined) {
    if (typeof a.reference !== 'string') throw new AssignmentError(`${file}: reference must be a file path`);
    referencePath = isAbsolute(a.reference) ? a.reference : join(root, a.reference);
    if (!existsSync(referencePath)) throw new AssignmentError(`${file}: reference solution "${a.reference}" does not exist`);
  }
  if (a.solutionFile !== undefined && typeof a.solutionFile !== 'string') throw new AssignmentError(`${file}: solutionFile must be a file path`);
  const p = (a.hintPolicy ?? {}) as Record<string, unknown>;
  if (typeof p !== 'object' || Array.isArray(p)) throw new AssignmentError(`${file}: hintPolicy must be an object`);
  const maxLevel = p.maxLevel ?? defaultPolicy.maxLevel;
  if (maxLevel !== 1 && maxLevel !== 2 && maxLevel !== 3) throw new AssignmentError(`${file}: hintPolicy.maxLevel must be 1, 2 or 3, got ${JSON.stringify(p.maxLevel)}`);
  return {
    description: a.description as string | undefined, tests, referencePath, solutionFile: a.solutionFile as string | undefined,
    policy: { maxLevel, alpha: fraction(p.alpha, 'alpha', file, defaultPolicy.alpha), beta: fraction(p.beta, 'beta', file, defaultPolicy.beta) },
  };
}
