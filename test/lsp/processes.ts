// Process-table helpers for the LSP tests: which processes a server left behind after a cancelled run.
import { execFileSync } from 'node:child_process';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  args: string;
}

export function processTable(): ProcessInfo[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  return out.split('\n').flatMap((line) => {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    return m ? [{ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }] : [];
  });
}

/**
 * Processes that a run started and that still live: descendants of the server, plus processes that
 * appeared since `before` was taken and were orphaned (re-parented to init) while running test code.
 */
export function leftovers(serverPid: number, before: Set<number>, testCode: RegExp): ProcessInfo[] {
  const table = processTable();
  const children = new Map<number, ProcessInfo[]>();
  for (const p of table) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const descendants: ProcessInfo[] = [];
  const stack = [...(children.get(serverPid) ?? [])];
  while (stack.length) {
    const p = stack.pop()!;
    descendants.push(p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  const orphans = table.filter((p) => p.ppid === 1 && !before.has(p.pid) && testCode.test(p.args));
  return [...descendants, ...orphans];
}
