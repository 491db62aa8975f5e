import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The npm package this flavor wraps. */
export const LIBRARY_PACKAGE = 'ml-random-forest';

let cached: string | undefined;

/**
 * Version of the ml-random-forest this flavor runs against, resolved from the flavor's own
 * location (that is the copy it imports), or `'unknown'` when it cannot be read.
 */
export function libraryVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const require = createRequire(import.meta.url);
    const json = JSON.parse(readFileSync(require.resolve(`${LIBRARY_PACKAGE}/package.json`), 'utf8')) as { version?: unknown };
    cached = typeof json.version === 'string' ? json.version : 'unknown';
  } catch {
    cached = 'unknown';
  }
  return cached;
}
