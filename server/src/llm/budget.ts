// Token accounting for one user action (a self-debugging run, a hint): every model call the action makes is
// charged here, from the usage the endpoint reports or an estimate when it reports none, and a call that would
// go over the budget is refused with a clear "budget spent" error instead of being sent.
import type { LlmRole } from '../../../common/protocol';
import { LlmError } from './errors';

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  /** Some counts are estimates (chars / 4) because the endpoint sent no usage. */
  estimated: boolean;
}

/** Rough token count for text when the endpoint reports none: about 4 characters per token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** Below this many completion tokens a reply cannot hold a useful answer, so the call is not made. */
const minUsefulCompletion = 32;

export class TokenBudget {
  promptTokens = 0;
  completionTokens = 0;
  estimated = false;
  readonly byRole = new Map<LlmRole, number>();

  constructor(
    readonly limit: number,
    readonly action = 'action',
    private readonly onCharge?: (budget: TokenBudget, role: LlmRole) => void,
  ) {}

  get used(): number {
    return this.promptTokens + this.completionTokens;
  }

  get remaining(): number {
    return Math.max(0, this.limit - this.used);
  }

  get exhausted(): boolean {
    return this.remaining < minUsefulCompletion;
  }

  /** Tokens promised to calls still in flight, so parallel calls cannot together overrun the budget. */
  private reserved = 0;

  /**
   * Reserves room for one call: returns the max_tokens it may ask for and a release() to call when it ends
   * (after charge()). Throws 'budget' when the call cannot fit.
   */
  reserve(promptTokens: number, wantedCompletion: number): { maxTokens: number; release(): void } {
    const left = this.remaining - this.reserved - promptTokens;
    if (left < minUsefulCompletion) {
      throw new LlmError('budget', `The token budget for this ${this.action} is spent (${this.used} of ${this.limit} tokens used` +
        `${this.reserved ? `, ${this.reserved} promised to requests in flight` : ''}; the next request needs about ${promptTokens + minUsefulCompletion}). ` +
        `Raise loopwise.llm.tokenBudget to allow more.`);
    }
    const maxTokens = Math.min(wantedCompletion, left);
    const hold = promptTokens + maxTokens;
    this.reserved += hold;
    let released = false;
    return { maxTokens, release: () => { if (!released) { released = true; this.reserved -= hold; } } };
  }

  charge(role: LlmRole, usage: TokenUsage): void {
    this.promptTokens += usage.promptTokens;
    this.completionTokens += usage.completionTokens;
    this.estimated ||= usage.estimated;
    this.byRole.set(role, (this.byRole.get(role) ?? 0) + usage.promptTokens + usage.completionTokens);
    this.onCharge?.(this, role);
  }

  summary(): { prompt: number; completion: number; total: number; estimated: boolean; budget: number } {
    return { prompt: this.promptTokens, completion: this.completionTokens, total: this.used, estimated: this.estimated, budget: this.limit };
  }
}
