// Fix events (kind 'fix', schema v1) like completions': the repair feature registers each fix it offers
// under a suggestion id, and FIX_EVENT_COMMAND (run by the editor after the Apply action's edit, and by the
// client's preview) stores `shown`, `accepted` or `rejected` with the fix's diff as the suggestion.
import { randomUUID } from 'node:crypto';
import type { RemoteConsole } from 'vscode-languageserver/node';
import type { FixEventArgs } from '../../../common/protocol';
import type { RepairFix } from '../../../common/repair';
import type { EventsFeature } from './eventsFeature';

interface Offered {
  lang: string;
  diff: string;
  source: string;
}

/** Fixes remembered for their events: applying a fix clears the folder's state before its command arrives. */
const maxOffered = 50;
const types: readonly FixEventArgs['type'][] = ['shown', 'accepted', 'rejected'];

export class FixEvents {
  private readonly offered = new Map<string, Offered>();

  constructor(private readonly events: EventsFeature | undefined, private readonly console: () => RemoteConsole) {}

  /** A new suggestion id for a fix about to be offered. `source` says which engine found it. */
  offer(fix: RepairFix, lang: string, source: string): string {
    const sid = randomUUID();
    this.offered.set(sid, { lang, diff: fix.diff, source });
    if (this.offered.size > maxOffered) this.offered.delete(this.offered.keys().next().value!);
    return sid;
  }

  /** Handles FIX_EVENT_COMMAND's argument; false when it names no fix this server offered. */
  record(raw: unknown): boolean {
    const args = raw as Partial<FixEventArgs> | undefined;
    const fix = typeof args?.sid === 'string' ? this.offered.get(args.sid) : undefined;
    if (!args || !fix || !types.includes(args.type as FixEventArgs['type'])) {
      this.console().warn(`fix event ignored: ${JSON.stringify(raw)} names no offered fix and event type`);
      return false;
    }
    if (!this.events) return false;
    this.events.append(this.events.make({
      kind: 'fix', type: args.type as FixEventArgs['type'], sid: args.sid!, source: fix.source,
      ctx: { lang: fix.lang },
      sug: { text: fix.diff, chars: fix.diff.length, lines: fix.diff.split('\n').length },
    }));
    return true;
  }
}
