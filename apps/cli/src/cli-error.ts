import { JsfuncError } from '@jsfunc/core';

/** Exit codes of the CLI. */
export const EXIT = {
  ok: 0,
  /** The model or its input could not be used (a jsfunc error). */
  failure: 1,
  /** Bad command-line usage. */
  usage: 2,
} as const;

/** Prints an error the way the CLI reports them: code, message, and nothing else. */
export function printError(error: unknown, write: (text: string) => void = (text) => process.stderr.write(text)): number {
  if (JsfuncError.isInstance(error)) {
    write(`jsfunc: ${error.code}: ${error.message}\n`);
    return EXIT.failure;
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.startsWith('commander.')) return EXIT.usage;
  write(`jsfunc: ${error instanceof Error ? error.message : String(error)}\n`);
  return EXIT.failure;
}
