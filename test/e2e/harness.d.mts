// Types for harness.mjs, so TypeScript callers (bench/activation.bench.ts) can import it.
export declare const CHROMIUM: string;
export declare function missingForHeadless(): string[];
export declare function runExtensionTests(options: {
  extensionPath: string;
  testsPath: string;
  workspace: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  onLine?: (line: string) => void;
}): Promise<{ exitCode: number | null; lines: string[] }>;
