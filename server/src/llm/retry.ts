// Backoff between attempts: exponential with jitter, never shorter than what the server asked for
// (Retry-After), and an abortable sleep so cancelling an action also cancels its wait.
import { LlmError } from './errors';

const baseMs = 500;
const capMs = 8000;
/** A server asking us to wait longer than this is treated as "try again later", not waited for. */
export const maxRetryAfterMs = 60_000;

/** Delay before attempt `attempt + 1` (attempt counts from 1). `random` in [0, 1). */
export function backoffMs(attempt: number, random: () => number, retryAfter?: number): number {
  const exp = Math.min(capMs, baseMs * 2 ** (attempt - 1));
  const jittered = Math.round(exp * (0.5 + random() * 0.5));
  return retryAfter === undefined ? jittered : Math.max(jittered, Math.ceil(retryAfter));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new LlmError('cancelled', 'The request was cancelled.'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new LlmError('cancelled', 'The request was cancelled.'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
