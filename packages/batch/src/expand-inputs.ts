import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { batchError } from './batch-error.js';

const wildcard = /[*?[]/;

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index]!;
    if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = pattern.indexOf(']', index);
      if (end === -1) source += '\\[';
      else {
        source += `[${pattern.slice(index + 1, end).replace(/^!/, '^')}]`;
        index = end;
      }
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * Turns `--input` values (files or globs whose wildcards `*`, `?`, `[...]` sit in the last path
 * segment) into an ordered list of absolute file paths. Matches of one glob are sorted by name so
 * the order (and so shard numbering) is deterministic. Throws `ERR_BATCH_INPUT_NOT_FOUND` when a
 * file is missing or a glob matches nothing.
 */
export async function expandInputs(input: string | readonly string[], cwd = process.cwd()): Promise<string[]> {
  const patterns = typeof input === 'string' ? [input] : [...input];
  const files: string[] = [];
  for (const pattern of patterns) {
    const absolute = resolve(cwd, pattern);
    if (wildcard.test(basename(absolute)) && !wildcard.test(dirname(absolute))) {
      const directory = dirname(absolute);
      const matcher = globToRegExp(basename(absolute));
      const entries = await readdir(directory, { withFileTypes: true }).catch(() => []);
      const matched = entries
        .filter((entry) => entry.isFile() && matcher.test(entry.name))
        .map((entry) => join(directory, entry.name))
        .sort();
      if (matched.length === 0) {
        throw batchError(
          'ERR_BATCH_INPUT_NOT_FOUND',
          `Expected the glob "${pattern}" to match at least one file; it matched none. Check the directory and pattern.`,
          { input: pattern },
        );
      }
      files.push(...matched);
      continue;
    }
    const info = await stat(absolute).catch(() => undefined);
    if (info === undefined || !info.isFile()) {
      throw batchError(
        'ERR_BATCH_INPUT_NOT_FOUND',
        `Expected an input file at "${absolute}"; found ${info === undefined ? 'nothing' : 'a directory'}. Pass a file or a glob such as "data/*.csv".`,
        { input: pattern, path: absolute },
      );
    }
    files.push(absolute);
  }
  return files;
}
