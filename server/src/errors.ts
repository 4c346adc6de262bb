// Errors shared by the CLI, the engines and the collector. A UsageError means "the command line or the
// environment is wrong": the CLI prints its message alone and exits with code 2, no stack trace.
export class UsageError extends Error {}
