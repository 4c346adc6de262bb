// Spectrum-based suspiciousness: for each source line, how many failing and passing tests executed
// it, and the Ochiai and DStar (star = 2) formulas over those counts.
import type { TestRecord } from './records';
import { isFailure } from './records';

export interface LineSpectrum {
  file: string;
  line: number;
  failed: number;
  passed: number;
  ochiai: number;
  dstar: number;
}

export interface Spectra {
  totalFailed: number;
  totalPassed: number;
  lines: LineSpectrum[];
}

export function ochiai(failed: number, passed: number, totalFailed: number): number {
  const denom = Math.sqrt(totalFailed * (failed + passed));
  return denom === 0 ? 0 : failed / denom;
}

/** DStar with star 2; a line run by every failing test and no passing one gets a large finite score. */
export function dstar(failed: number, passed: number, totalFailed: number): number {
  const denom = passed + (totalFailed - failed);
  return denom === 0 ? failed * failed * 1000 : (failed * failed) / denom;
}

export function computeSpectra(tests: TestRecord[]): Spectra {
  const counts = new Map<string, LineSpectrum>();
  let totalFailed = 0;
  let totalPassed = 0;
  for (const t of tests) {
    const failing = isFailure(t.status);
    if (failing) totalFailed++;
    else if (t.status === 'passed') totalPassed++;
    else continue;
    const seen = new Set<string>();
    for (const [file, line] of t.lines) {
      const key = `${file}:${line}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let s = counts.get(key);
      if (!s) counts.set(key, (s = { file, line, failed: 0, passed: 0, ochiai: 0, dstar: 0 }));
      if (failing) s.failed++;
      else s.passed++;
    }
  }
  const lines = [...counts.values()];
  for (const s of lines) {
    s.ochiai = ochiai(s.failed, s.passed, totalFailed);
    s.dstar = dstar(s.failed, s.passed, totalFailed);
  }
  return { totalFailed, totalPassed, lines };
}
