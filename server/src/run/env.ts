// The environment a sandboxed child gets: the parent's, minus anything that looks like a secret
// (API keys, tokens, passwords, cloud credentials) or an editor IPC handle, with HOME/TMPDIR moved
// into the scratch folder (the sandbox hides the real ones). API keys must never reach user code, its
// output, or a log.

const secretName = [
  /(^|_)(API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|PASSPHRASE|CREDENTIALS?|AUTH|SESSION|COOKIE|PRIVATE)(_|$)/i,
  /SECRET/i,
  /PASSWORD/i,
  /^(OPENAI|AZURE|AWS|ANTHROPIC|GOOGLE|GCP|GCLOUD|HF|HUGGING_?FACE|COHERE|MISTRAL|GROQ|GITHUB|GH|GITLAB|NPM|PYPI|TWINE|DOCKER|SLACK|STRIPE)_/i,
  /^(GITHUB_TOKEN|GH_TOKEN|NPM_TOKEN|DATABASE_URL|PGPASSWORD|SSH_AUTH_SOCK|GPG_AGENT_INFO|KUBECONFIG)$/i,
  /^LOOPWISE_/,
  // The editor's own plumbing: an IPC socket lets a child talk to the running VS Code.
  /^(VSCODE_|ELECTRON_)/,
];

const secretValue = /^(sk-[A-Za-z0-9_-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_|xox[abpr]-|AKIA[0-9A-Z]{16}|glpat-)/;

/** True when an environment variable must not be passed to user code. */
export function isSecretVar(name: string, value: string | undefined): boolean {
  return secretName.some((re) => re.test(name)) || (value !== undefined && secretValue.test(value));
}

/**
 * The scrubbed environment. `extra` is applied last and is trusted (it is how the runner passes its
 * own settings, e.g. LOOPWISE_RESULTS, to the tools it ships into the scratch folder).
 */
export function scrubbedEnv(
  home: string,
  tmp: string,
  extra: Record<string, string> = {},
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined || isSecretVar(name, value)) continue;
    // NODE_OPTIONS may carry a debugger bootloader from the editor; tests should not inherit it.
    if (name === 'NODE_OPTIONS' || name === 'PYTHONSTARTUP' || name === 'PYTHONBREAKPOINT') continue;
    env[name] = value;
  }
  env.HOME = home;
  env.TMPDIR = tmp;
  env.PATH = env.PATH || '/usr/local/bin:/usr/bin:/bin';
  env.LANG = env.LANG || 'C.UTF-8';
  env.PYTHONDONTWRITEBYTECODE = '1';
  env.PYTHONIOENCODING = 'utf-8';
  // Nothing else is added: colour settings (NO_COLOR, FORCE_COLOR) and the like are the user's, as under
  // the project's own runner, and tests of them must see what that runner gives them.
  return { ...env, ...extra };
}
