// Progress of a long command on stderr, so stdout keeps only the result (and stays valid JSON with --json):
// on a terminal one line rewritten in place, otherwise a line per phase and at most one every few seconds.
import type { RepairProgress } from '../../../common/repair';

export interface ProgressLine {
  report(p: RepairProgress): void;
  /** Clears the live line (a terminal) before the result is printed. */
  done(): void;
}

export function repairProgress(stream: NodeJS.WriteStream = process.stderr, everyMs = 3000): ProgressLine {
  const live = !!stream.isTTY;
  let lastPhase: string | undefined;
  let lastAt = 0;
  let best: string | undefined;
  let shown = false;
  return {
    report(p) {
      best = p.best ?? best;
      const text = describeProgress(p, best);
      const now = Date.now();
      if (live) {
        stream.write(`\r\x1b[K${text.slice(0, Math.max(20, (stream.columns ?? 120) - 1))}`);
        shown = true;
      } else if (p.phase !== lastPhase || now - lastAt >= everyMs || p.best) {
        stream.write(`${text}\n`);
      } else {
        return;
      }
      lastPhase = p.phase;
      lastAt = now;
    },
    done() {
      if (live && shown) stream.write('\r\x1b[K');
    },
  };
}

/** E.g. "fix: search, 350 candidates tried, 4.2 s; best so far: partial fix (makes 1 of 2 failing tests pass)". */
export function describeProgress(p: RepairProgress, best = p.best): string {
  const parts = [`fix: ${p.phase}`];
  if (p.phase === 'search' || p.candidatesTried) parts.push(`${p.candidatesTried} candidate${p.candidatesTried === 1 ? '' : 's'} tried`);
  parts.push(`${p.seconds.toFixed(1)} s`);
  // The search's own message is often just the count again.
  const head = parts.join(', ') + (p.message && !/^\d+ candidates tried$/.test(p.message) ? `: ${p.message}` : '');
  return p.phase === 'baseline' ? head : `${head}; best so far: ${best ?? 'no verified fix yet'}`;
}
