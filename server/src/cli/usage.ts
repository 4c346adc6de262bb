// Errors that mean "the command line or the environment is wrong": exit code 2, no stack trace.
export class UsageError extends Error {}
