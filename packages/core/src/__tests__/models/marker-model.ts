// A custom model whose import writes a marker file: proves code is imported only after the
// integrity check passes.
import { writeFileSync } from 'node:fs';

writeFileSync(process.env.JSFUNC_TEST_MARKER ?? '/dev/null', 'imported');

export const model = {
  predict(_context: unknown, input: unknown) {
    return input;
  },
};
