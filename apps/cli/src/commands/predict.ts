import { resolveCliModelUri } from '../model-uri.js';
import { createModelLoader, importFlavorPackages } from '@jsfunc/core';
import { parseInvocationCsv, parseInvocationJson, parseSignatureView, serializePredictions, stringifyJson } from '@jsfunc/server';
import { readFile, writeFile } from 'node:fs/promises';
import { cliFlavors } from '../flavor-packages.js';

/** Options of `jsfunc models predict`. */
export interface PredictCommandOptions {
  model: string;
  input?: string;
  output?: string;
  contentType: 'json' | 'csv';
  flavorsFrom?: string;
  verifyIntegrity: boolean;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * `jsfunc models predict`: the input file holds what an `/invocations` body holds; the output is
 * what `/invocations` answers.
 */
export async function predictCommand(options: PredictCommandOptions): Promise<number> {
  const flavors = cliFlavors(options.flavorsFrom);
  const loader = createModelLoader({ flavors: await importFlavorPackages(flavors.packages, { cwd: flavors.cwd }), verifyIntegrity: options.verifyIntegrity });
  const model = await loader.load(await resolveCliModelUri(options.model));
  try {
    const text = options.input && options.input !== '-' ? await readFile(options.input, 'utf8') : await readStdin();
    const signature = parseSignatureView(model.signature?.toDict());
    const request =
      options.contentType === 'csv'
        ? { data: parseInvocationCsv(text, signature?.inputs), params: undefined, unwrapped: false }
        : parseInvocationJson(text, signature);
    const output = await model.predictData(request.data, request.params);
    const json = stringifyJson(serializePredictions(output, request.unwrapped));
    if (options.output) await writeFile(options.output, `${json}\n`);
    else process.stdout.write(`${json}\n`);
    return 0;
  } finally {
    await model.dispose();
  }
}
