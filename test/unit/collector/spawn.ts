// Runs the real `loopwise collector` CLI as a child process (through tsx, from source) for the fault tests:
// waits for its "listening" log line and keeps its log lines for assertions.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface ChildCollector { child: ChildProcess; url: string; logs: string[]; exited: Promise<number | null> }

const CLI = ['--import', 'tsx', 'server/src/cli.ts'];

export function cli(args: string[]) {
  const r = spawnSync(process.execPath, [...CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export async function spawnCollector(args: string[]): Promise<ChildCollector> {
  const child = spawn(process.execPath, [...CLI, 'collector', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        logs.push(line);
        const m = /"msg":"listening","url":"([^"]+)"/.exec(line);
        if (m) resolve(m[1]);
      }
    });
    void exited.then((code) => reject(new Error(`collector exited with ${code} before listening: ${stderr}`)));
    setTimeout(() => reject(new Error(`collector did not start within 30 s: ${stderr}`)), 30000).unref();
  });
  return { child, url, logs, exited };
}
