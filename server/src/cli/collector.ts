// `loopwise collector`: runs the team collector service, or manages its tokens
// (`collector token create|list|revoke`). The database is a SQLite file path or a postgres:// URL.
import { parseArgs } from 'node:util';
import { Retrainer } from '../collector/retrain';
import { startCollector } from '../collector/server';
import { openStorage } from '../collector/open';
import { TEAM_NAME_RE, createToken, tokenId } from '../collector/tokens';
import { inProcessTrainer, subprocessTrainer } from '../collector/trainer';
import { UsageError } from '../errors';

const HELP = `Usage:
  loopwise collector --db <file.db | postgres://...> [--port 8787] [--host 127.0.0.1]
      [--max-body-mb 8] [--rate 50] [--burst 100] [--sqlite-synchronous full|normal]
      [--retrain-minutes 60] [--retrain-after 500] [--min-decisions 100] [--train-window 200000]
  loopwise collector token create --db <db> --team <name>   (prints the token on its last line)
  loopwise collector token list --db <db> [--team <name>]
  loopwise collector token revoke --db <db> <token id | token>
  loopwise collector train-model --db <db> --team <name> [--train-window 200000]
      (trains the team's gate model from its events and prints it as JSON; the service does this itself)

Endpoints: POST /v1/events, GET /v1/model (bearer token), GET /dashboard, GET /health.
--rate is requests per second per token. SQLite acknowledges a batch once it is fsynced (full, the default);
'normal' acknowledges once it is in the write-ahead log: safe against a killed collector, not against power loss.`;

function positive(name: string, value: string | undefined, fallback: number, { integer = true, min = 1 } = {}): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || (integer && !Number.isInteger(n))) throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'} >= ${min} (got '${value}')`);
  return n;
}

const log = (entry: Record<string, unknown>) => { process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...entry }) + '\n'); };

async function serve(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args, strict: true,
    options: {
      db: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' },
      'max-body-mb': { type: 'string' }, rate: { type: 'string' }, burst: { type: 'string' },
      'retrain-minutes': { type: 'string' }, 'retrain-after': { type: 'string' }, 'min-decisions': { type: 'string' }, 'train-window': { type: 'string' },
      'sqlite-synchronous': { type: 'string' },
    },
  });
  const sync = values['sqlite-synchronous'] ?? 'full';
  if (sync !== 'full' && sync !== 'normal') throw new UsageError(`--sqlite-synchronous must be 'full' or 'normal' (got '${sync}')`);
  const port = positive('port', values.port, 8787, { min: 0 });
  if (port > 65535) throw new UsageError('--port must be at most 65535');
  const rate = positive('rate', values.rate, 50, { integer: false, min: 0.001 });
  const minDecisions = positive('min-decisions', values['min-decisions'], 100);
  // A log reader that goes away (closed pipe) must not take the service down with it.
  process.stdout.on('error', () => undefined);
  const storage = await openStorage(values.db ?? '', { sqliteSynchronous: sync });
  const retrainer = new Retrainer(storage, {
    train: subprocessTrainer(values.db!, positive('train-window', values['train-window'], 200_000)),
    intervalMs: positive('retrain-minutes', values['retrain-minutes'], 60, { integer: false, min: 0.01 }) * 60_000,
    afterDecisions: positive('retrain-after', values['retrain-after'], 500),
    minDecisions,
  }, log);
  const collector = await startCollector({
    storage, retrainer, log, minDecisions,
    maxBodyBytes: Math.round(positive('max-body-mb', values['max-body-mb'], 8, { integer: false, min: 0.001 }) * 1024 * 1024),
    ratePerSecond: rate,
    rateBurst: positive('burst', values.burst, Math.max(1, Math.ceil(rate * 2))),
  }, values.host ?? '127.0.0.1', port).catch(async (err: NodeJS.ErrnoException) => {
    await storage.close();
    if (err.code === 'EADDRINUSE' || err.code === 'EACCES') throw new UsageError(`cannot listen on ${values.host ?? '127.0.0.1'}:${port}: ${err.message}`);
    throw err;
  });
  retrainer.start();
  log({ level: 'info', msg: 'listening', url: collector.url, storage: storage.kind });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log({ level: 'info', msg: 'shutting down', signal });
      collector.close().then(resolve, (err: Error) => { log({ level: 'error', msg: 'shutdown failed', error: err.message }); resolve(); });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  log({ level: 'info', msg: 'stopped' });
  return 0;
}

async function token(args: string[]): Promise<number> {
  const [action, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, strict: true, allowPositionals: true, options: { db: { type: 'string' }, team: { type: 'string' } } });
  if (!['create', 'list', 'revoke'].includes(action ?? '')) throw new UsageError(`collector token needs an action: create, list or revoke\n\n${HELP}`);
  if (action === 'create' && !values.team) throw new UsageError('collector token create needs --team <name>');
  if (values.team !== undefined && !TEAM_NAME_RE.test(values.team)) throw new UsageError(`team name '${values.team}' must be 1-64 letters, digits, '.', '_' or '-'`);
  if (action === 'revoke' && positionals.length !== 1) throw new UsageError('collector token revoke needs one token id (see token list)');
  const storage = await openStorage(values.db ?? '');
  try {
    if (action === 'create') {
      const t = await createToken(storage, values.team!);
      console.log(`Created token ${t.id} for team '${t.team.name}'. Store it now: it cannot be shown again.`);
      console.log(t.token);
      return 0;
    }
    if (action === 'list') {
      const team = values.team === undefined ? undefined : await storage.teamByName(values.team);
      if (values.team !== undefined && !team) throw new UsageError(`no team named '${values.team}'`);
      const rows = await storage.tokens(team?.id);
      console.log(['id'.padEnd(16), 'team'.padEnd(20), 'created'.padEnd(24), 'status'].join('  '));
      for (const r of rows) {
        const status = r.revokedAt === null ? 'active' : `revoked ${new Date(r.revokedAt).toISOString()}`;
        console.log([r.id, r.teamName.padEnd(20), new Date(r.createdAt).toISOString().padEnd(24), status].join('  '));
      }
      console.log(`${rows.length} token${rows.length === 1 ? '' : 's'}`);
      return 0;
    }
    const id = tokenId(positionals[0]);
    const row = await storage.token(id);
    if (!row) throw new UsageError(`no token with id '${id}'`);
    const revoked = await storage.revokeToken(id, Date.now());
    console.log(revoked ? `Revoked token ${id} of team '${row.teamName}'.` : `Token ${id} of team '${row.teamName}' was already revoked.`);
    return 0;
  } finally {
    await storage.close();
  }
}

async function trainModel(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, strict: true, options: { db: { type: 'string' }, team: { type: 'string' }, 'train-window': { type: 'string' } } });
  if (!values.team) throw new UsageError('collector train-model needs --team <name>');
  const storage = await openStorage(values.db ?? '');
  try {
    const team = await storage.teamByName(values.team);
    if (!team) throw new UsageError(`no team named '${values.team}'`);
    const model = await inProcessTrainer(storage, positive('train-window', values['train-window'], 200_000))(team, new AbortController().signal);
    process.stdout.write(JSON.stringify(model) + '\n');
    return 0;
  } finally {
    await storage.close();
  }
}

export default async function collector(args: string[]): Promise<number> {
  if (args[0] === '--help' || args[0] === '-h') {
    console.log(HELP);
    return 0;
  }
  try {
    if (args[0] === 'token') return await token(args.slice(1));
    if (args[0] === 'train-model') return await trainModel(args.slice(1));
    return await serve(args);
  } catch (err) {
    // parseArgs reports unknown or malformed options as TypeErrors with a readable message
    if ((err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) throw new UsageError(`${(err as Error).message}\n\n${HELP}`);
    throw err;
  }
}
