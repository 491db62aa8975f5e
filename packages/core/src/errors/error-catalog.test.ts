// Keeps docs/errors.md and the code in step: every error code thrown anywhere in the workspace has
// a row (code | meaning | how to fix), and every row names a code that still exists.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

function sourceFiles(directory: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(directory)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === '__tests__' || entry === '__fixtures__') continue;
    const file = path.join(directory, entry);
    if (statSync(file).isDirectory()) out.push(...sourceFiles(file));
    else if (/\.(ts|mts|mjs|js)$/.test(entry) && !/\.test(-d)?\.ts$/.test(entry)) out.push(file);
  }
  return out;
}

function codesInSources(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const group of ['packages', 'apps']) {
    const base = path.join(root, group);
    for (const name of readdirSync(base)) {
      const src = path.join(base, name, 'src');
      if (!statSync(path.join(base, name)).isDirectory()) continue;
      try {
        statSync(src);
      } catch {
        continue;
      }
      for (const file of sourceFiles(src)) {
        for (const match of readFileSync(file, 'utf8').matchAll(/['"`](ERR_[A-Z0-9]+(?:_[A-Z0-9]+)+)['"`]/g)) {
          codes.set(match[1]!, path.relative(root, file));
        }
      }
    }
  }
  return codes;
}

function codesInDocs(): Map<string, { meaning: string; fix: string }> {
  const rows = new Map<string, { meaning: string; fix: string }>();
  for (const line of readFileSync(path.join(root, 'docs/errors.md'), 'utf8').split('\n')) {
    const match = /^\|\s*`(ERR_[A-Z0-9_]+)`\s*\|([^|]*)\|([^|]*)\|/.exec(line);
    if (match) rows.set(match[1]!, { meaning: match[2]!.trim(), fix: match[3]!.trim() });
  }
  return rows;
}

describe('docs/errors.md', () => {
  const sources = codesInSources();
  const docs = codesInDocs();

  it('finds the codes at all (the scan works)', () => {
    expect(sources.has('ERR_MODEL_INTEGRITY')).toBe(true);
    expect(docs.size).toBeGreaterThan(10);
  });

  it('has a row, with a meaning and a fix, for every error code in the code', () => {
    const missing = [...sources].filter(([code]) => !docs.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(missing, 'add a row to docs/errors.md for each').toEqual([]);
    for (const [code, row] of docs) {
      expect(row.meaning.length, `${code} needs a meaning`).toBeGreaterThan(5);
      expect(row.fix.length, `${code} needs a fix`).toBeGreaterThan(5);
    }
  });

  it('lists no code that the code no longer uses', () => {
    const stale = [...docs.keys()].filter((code) => !sources.has(code));
    expect(stale, 'remove these rows from docs/errors.md').toEqual([]);
  });
});
