// Public API of the warm verification workers, for the repair search, localization's mutation analysis and
// the LLM engine: open a Verifier session on a task, verify candidate files, close it.
import { Verifier, type Baseline, type Verdict, type VerifyTask } from './verifier';

export { Verifier, type Baseline, type ProbeRun, type ProbeSnapshot, type TestOutcome, type Verdict, type VerifierOptions, type VerifyTask } from './verifier';

/** One candidate, one session (a session per task is far cheaper when there are several candidates). */
export async function verifyCandidate(task: VerifyTask, files: Record<string, string>): Promise<Verdict & { baseline: Baseline }> {
  const v = await Verifier.open(task, { workers: 1 });
  try {
    return { ...(await v.verify(files)), baseline: v.baseline };
  } finally {
    await v.close();
  }
}
