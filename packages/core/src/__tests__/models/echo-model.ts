// A custom model used by core's tests: it echoes its input with the params and config it saw,
// reads an artifact, streams, and has a named method. Its npm dependency (`yaml`) is bundled.
import { stringify } from 'yaml';
import type { CustomModelContextV1 } from '../../custom/custom-model.js';

export default class EchoModel {
  private greeting = '';

  async loadContext(context: CustomModelContextV1): Promise<void> {
    const { readFile } = await import('node:fs/promises');
    const file = context.artifacts.greeting;
    this.greeting = file ? (await readFile(file, 'utf8')).trim() : '';
  }

  predict(context: CustomModelContextV1, input: unknown, params?: Record<string, unknown>) {
    return { input, params: params ?? null, config: context.modelConfig, greeting: this.greeting };
  }

  *predictStream(_context: CustomModelContextV1, input: unknown) {
    yield 'test1';
    yield `test2:${String(input)}`;
  }

  toYaml(_context: CustomModelContextV1, input: unknown) {
    return stringify(input).trim();
  }

  _helper() {
    return 'not an inference method';
  }
}
