// Team bearer tokens: `lwt_<id>_<secret>`. Only the id (for lookup), a per-token salt and sha256(salt‖secret)
// are stored, so a copy of the database cannot be used to upload or read; checks compare in constant time.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Storage, Team, TokenRow } from './storage';

const TOKEN_RE = /^lwt_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export const TEAM_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

const digest = (salt: string, secret: string) => createHash('sha256').update(salt).update(secret).digest('hex');

export interface CreatedToken { token: string; id: string; team: Team }

/** Creates the team on first use (with its own pseudonymisation key), then a token for it. */
export async function createToken(storage: Storage, teamName: string): Promise<CreatedToken> {
  const team = await storage.ensureTeam(teamName, randomBytes(32).toString('hex'));
  const id = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16).toString('hex');
  await storage.insertToken({ id, teamId: team.id, salt, hash: digest(salt, secret), createdAt: Date.now() });
  return { token: `lwt_${id}_${secret}`, id, team };
}

/** The token's row when it is well-formed, known, matches and is not revoked; otherwise undefined. */
export async function verifyToken(storage: Storage, token: string): Promise<TokenRow | undefined> {
  const m = TOKEN_RE.exec(token);
  if (!m) return undefined;
  const row = await storage.token(m[1]);
  if (!row || row.revokedAt !== null) return undefined;
  const expected = Buffer.from(row.hash, 'hex');
  const actual = Buffer.from(digest(row.salt, m[2]), 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? row : undefined;
}

/** Accepts a full token or its id (what `token list` shows). */
export function tokenId(tokenOrId: string): string {
  return TOKEN_RE.exec(tokenOrId)?.[1] ?? tokenOrId;
}
