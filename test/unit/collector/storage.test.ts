// Storage contract tests, run against both SQLite and PostgreSQL: migrations, tokens, idempotent
// inserts, team separation and the dashboard aggregations.
import assert from 'node:assert/strict';
import { dashboardData } from '../../../server/src/collector/aggregate';
import { pseudonymizer, toRow } from '../../../server/src/collector/batch';
import { MIGRATIONS } from '../../../server/src/collector/schema';
import { openStorage } from '../../../server/src/collector/open';
import type { Storage } from '../../../server/src/collector/storage';
import { createToken, verifyToken } from '../../../server/src/collector/tokens';
import type { SuggestionEvent } from '../../../common/events';
import { BACKENDS, event, suggestion } from './helpers';

for (const backend of BACKENDS) {
  describe(`collector storage (${backend.name})`, function () {
    this.timeout(60000);
    let db: string;
    let storage: Storage;
    beforeEach(async () => { db = await backend.db(); storage = await openStorage(db); });
    afterEach(async () => { await storage.close(); await backend.dispose(db); });

    const rows = (events: SuggestionEvent[], secret = 'k') => events.map((e) => toRow(e, pseudonymizer(secret)));

    it('applies every migration once and records it; reopening applies none', async () => {
      assert.equal(storage.kind, backend.name);
      assert.deepEqual(await storage.appliedMigrations(), MIGRATIONS.map((m) => m.version));
      await storage.close();
      storage = await openStorage(db);
      assert.deepEqual(await storage.migrate(), []);
      assert.deepEqual(await storage.appliedMigrations(), MIGRATIONS.map((m) => m.version));
    });

    it('creates, verifies and revokes hashed tokens', async () => {
      const a = await createToken(storage, 'alpha');
      const b = await createToken(storage, 'alpha');
      assert.match(a.token, /^lwt_[0-9a-f]{16}_/);
      assert.equal((await verifyToken(storage, a.token))?.teamName, 'alpha');
      assert.equal(b.team.id, a.team.id, 'second token joins the same team');
      const stored = await storage.token(a.id);
      const secret = a.token.slice(a.token.indexOf('_', 4) + 1); // base64url: may itself contain '_'
      assert.strictEqual(secret.length, 43);
      assert.ok(stored && !JSON.stringify(stored).includes(secret), 'the secret part is not stored');
      assert.equal(await verifyToken(storage, a.token.slice(0, -1) + (a.token.endsWith('A') ? 'B' : 'A')), undefined);
      assert.equal(await storage.revokeToken(a.id, Date.now()), true);
      assert.equal(await verifyToken(storage, a.token), undefined);
      assert.equal((await verifyToken(storage, b.token))?.teamName, 'alpha');
      const listed = new Map((await storage.tokens(a.team.id)).map((t) => [t.id, t.revokedAt !== null]));
      assert.deepEqual(listed, new Map([[a.id, true], [b.id, false]]));
    });

    it('is idempotent by event id within a team, and keeps teams apart', async () => {
      const t1 = await storage.ensureTeam('one', 'k1');
      const t2 = await storage.ensureTeam('two', 'k2');
      const batch = [event({ id: 'x1' }), event({ id: 'x2' }), event({ id: 'x1' })];
      assert.deepEqual(await storage.insertEvents(t1.id, rows(batch), 1), { accepted: 2, duplicates: 1 });
      assert.deepEqual(await storage.insertEvents(t1.id, rows(batch), 2), { accepted: 0, duplicates: 3 });
      assert.deepEqual(await storage.insertEvents(t2.id, rows(batch), 3), { accepted: 2, duplicates: 1 }, 'same ids in another team are new');
      const count = async (team: number) => (await storage.query<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE team_id = ?', [team]))[0].n;
      assert.equal(await count(t1.id), 2);
      assert.equal(await count(t2.id), 2);
    });

    it('counts each event once under concurrent overlapping batches (group commit, no deadlock)', async () => {
      const t = await storage.ensureTeam('one', 'k');
      const all = Array.from({ length: 400 }, (_, i) => suggestion(`c${i}`, i % 3 ? 'accepted' : 'rejected', { user: `u${i % 7}` })).flat();
      // eight batches over overlapping, shuffled windows of the same 800 events
      const batches = Array.from({ length: 8 }, (_, b) => all.slice(b * 80, b * 80 + 300).sort((x, y) => ((x.id.length * 31 + b) % 7) - ((y.id.length * 31 + b) % 7)));
      const results = await Promise.all(batches.map((b) => storage.insertEvents(t.id, rows(b), 1)));
      const distinct = new Set(batches.flat().map((e) => e.id)).size;
      assert.equal(results.reduce((n, r) => n + r.accepted, 0), distinct);
      const d = await dashboardData(storage, t.id);
      assert.equal(d.totals.events, distinct);
      assert.equal(d.totals.users, 7);
      assert.equal(d.totals.shown, new Set(batches.flat().filter((e) => e.type === 'shown').map((e) => e.sid)).size);
    });

    it('stores pseudonymous user ids only, and returns events for retraining oldest first', async () => {
      const t = await storage.ensureTeam('one', 'secret-one');
      await storage.insertEvents(t.id, rows([event({ id: 'late', ts: 2000, user: 'bob@example.com' }), event({ id: 'early', ts: 1000, user: 'bob@example.com' })], t.userSecret), 1);
      const all = await storage.query<{ user_hash: string; body: string }>('SELECT user_hash, body FROM events', []);
      assert.ok(all.every((r) => !r.body.includes('bob@example.com') && !r.user_hash.includes('bob')));
      const back = await storage.recentEvents(t.id, 10);
      assert.deepEqual(back.map((e) => e.id), ['early', 'late']);
      assert.match(back[0].user, /^u_[0-9a-f]{32}$/);
      assert.equal(back[0].user, back[1].user, 'one user maps to one pseudonym');
      assert.deepEqual((await storage.recentEvents(t.id, 1)).map((e) => e.id), ['late']);
    });

    it('aggregates acceptance by day, kind, language, gate, exploration and retention', async () => {
      const t = await storage.ensureTeam('one', 'k');
      const other = await storage.ensureTeam('two', 'k');
      const day1 = Date.UTC(2026, 10, 20, 12);
      const day2 = Date.UTC(2026, 10, 21, 12);
      const evs = [
        ...suggestion('a', 'accepted', { ts: day1 }),
        ...suggestion('b', 'rejected', { ts: day1, user: 'bob' }),
        ...suggestion('c', 'partial', { ts: day2, lang: 'typescript' }),
        event({ id: 'c-partial-2', sid: 'c', type: 'partial', ts: day2 + 2000, accepted: { chars: 1 } }),
        ...suggestion('d', 'accepted', { ts: day2, kind: 'fix' }),
        ...suggestion('e', 'rejected', { ts: day2, explore: true }),
        ...suggestion('f', 'accepted', { ts: day2, explore: true }),
        event({ id: 'h1', sid: 'h', kind: 'hint', type: 'shown', ts: day2 }),
        event({ id: 'r1', sid: 'a', type: 'retained', ts: day1 + 30000, retention: { afterMs: 30000, survived: 1 } }),
        event({ id: 'r2', sid: 'c', type: 'retained', ts: day2 + 30000, retention: { afterMs: 30000, survived: 0.5 } }),
        event({ id: 'r3', sid: 'a', type: 'retained', ts: day1 + 120000, retention: { afterMs: 120000, survived: 0.25 } }),
        event({ id: 'q1', sid: 'q1', type: 'requested', ts: day1 }), event({ id: 'q2', sid: 'q2', type: 'requested', ts: day1 }),
        event({ id: 'k1', sid: 'q2', type: 'skipped', ts: day1 }),
        event({ id: 'p1', sid: 'p1', type: 'suppressed', ts: day2 }),
      ];
      await storage.insertEvents(t.id, rows(evs.slice(0, 10)), 1);
      await storage.insertEvents(t.id, rows(evs), 1);
      await storage.insertEvents(t.id, rows(evs.slice(5, 12)), 1);
      await storage.insertEvents(other.id, rows(suggestion('zzz', 'accepted', { ts: day1, lang: 'rust' })), 1);
      const d = await dashboardData(storage, t.id);
      assert.equal(await storage.countDecisions(t.id), 7, 'accepted, partial and rejected events, each once');
      assert.equal(await storage.countDecisions(other.id), 1);
      const replayed = await storage.insertEvents(t.id, rows(evs), 2);
      assert.equal(replayed.accepted, 0);
      assert.deepEqual(await dashboardData(storage, t.id), d, 'replayed events do not count twice');

      // migration 2 builds the same rollups from stored events as ingest maintains incrementally
      for (const table of ['suggestions', 'event_counts', 'retention_counts', 'team_users']) await storage.query(`DROP TABLE ${table}`, []);
      await storage.query('DROP INDEX events_team_ts', []);
      await storage.query('CREATE INDEX events_team_sid ON events (team_id, sid)', []);
      await storage.query('DELETE FROM schema_migrations WHERE version = 2', []);
      assert.deepEqual(await storage.migrate(), [2]);
      assert.deepEqual(await dashboardData(storage, t.id), d, 'backfilled rollups equal the incremental ones');
      assert.deepEqual(d.totals, { events: evs.length, users: 2, shown: 7, accepted: 4, rejected: 2 });
      assert.deepEqual(d.byKind.sort((a, b) => a.kind.localeCompare(b.kind)), [
        { kind: 'completion', shown: 5, accepted: 3, rejected: 2 },
        { kind: 'fix', shown: 1, accepted: 1, rejected: 0 },
        { kind: 'hint', shown: 1, accepted: 0, rejected: 0 },
      ]);
      assert.deepEqual(d.overTime.filter((r) => r.kind === 'completion'), [
        { day: '2026-11-20', kind: 'completion', shown: 2, accepted: 1, rejected: 1 },
        { day: '2026-11-21', kind: 'completion', shown: 3, accepted: 2, rejected: 1 },
      ]);
      assert.deepEqual(d.byLanguage, [
        { lang: 'python', shown: 5, accepted: 3, rejected: 2 },
        { lang: '(unknown)', shown: 1, accepted: 0, rejected: 0 },
        { lang: 'typescript', shown: 1, accepted: 1, rejected: 0 },
      ], 'the hint was shown without ctx; rust belongs to the other team');
      assert.deepEqual(d.gate.exploration, { shown: 2, accepted: 1, rejected: 1 });
      assert.deepEqual(d.gate.overTime, [
        { day: '2026-11-20', requested: 2, skipped: 1, shown: 2, suppressed: 0 },
        { day: '2026-11-21', requested: 0, skipped: 0, shown: 5, suppressed: 1 },
      ]);
      assert.deepEqual(d.retention, [{ afterMs: 30000, checks: 2, meanSurvived: 0.75 }, { afterMs: 120000, checks: 1, meanSurvived: 0.25 }]);
    });
  });
}
