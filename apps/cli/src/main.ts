import { createProgram } from './create-program.js';
import { EXIT, printError } from './cli-error.js';

/** Runs the CLI with `argv` (as `process.argv`) and resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const result = { code: EXIT.ok as number };
  const program = createProgram(result);
  try {
    await program.parseAsync([...argv]);
    return result.code;
  } catch (error) {
    const code = (error as { code?: unknown; exitCode?: unknown }).code;
    if (code === 'commander.helpDisplayed' || code === 'commander.version' || code === 'commander.help') return EXIT.ok;
    if (typeof code === 'string' && code.startsWith('commander.')) return EXIT.usage;
    return printError(error);
  }
}
