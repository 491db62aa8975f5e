import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TRACKING_ERROR_CODES } from './tracking-error.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('tracking error codes', () => {
  it('every code raised in src is catalogued, and every catalogued code has a README row', async () => {
    const readme = await fs.readFile(path.join(here, '..', 'README.md'), 'utf8');
    const used = new Set<string>();
    for (const file of await fs.readdir(here)) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      for (const match of (await fs.readFile(path.join(here, file), 'utf8')).matchAll(/'(ERR_TRACKING_[A-Z_]+)'/g)) used.add(match[1]!);
    }
    expect([...used].filter((code) => !(TRACKING_ERROR_CODES as readonly string[]).includes(code))).toEqual([]);
    for (const code of TRACKING_ERROR_CODES) expect(readme, code).toMatch(new RegExp(`\\| \`${code}\` \\|`));
  });
});
