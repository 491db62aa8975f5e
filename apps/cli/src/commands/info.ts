import { resolveCliModelUri } from '../model-uri.js';
import { readModelInfo } from '@jsfunc/core';

/** Options of `jsfunc models info`. */
export interface InfoCommandOptions {
  model: string;
  json: boolean;
}

/** `jsfunc models info`: flavors, signature, environment and integrity, without loading the model. */
export async function infoCommand(options: InfoCommandOptions, write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const info = await readModelInfo(await resolveCliModelUri(options.model));
  const signature = info.signature?.toDict() as Record<string, unknown> | undefined;
  const summary = {
    directory: info.directory,
    flavors: info.flavors,
    jsFunction: info.jsFunction ?? null,
    signature: signature
      ? Object.fromEntries(Object.entries(signature).map(([k, v]) => [k, typeof v === 'string' ? JSON.parse(v) : v]))
      : null,
    environment: info.environment ?? null,
    integrity: info.integrity,
    mlflowVersion: (info.mlmodel as { mlflow_version?: unknown }).mlflow_version ?? null,
    modelUuid: (info.mlmodel as { model_uuid?: unknown }).model_uuid ?? null,
  };
  if (options.json) {
    write(`${JSON.stringify(summary, null, 2)}\n`);
    return 0;
  }
  const lines = [
    `model:      ${summary.directory}`,
    `flavors:    ${summary.flavors.join(', ')}`,
    `loaded by:  ${info.jsFunction ? `${String((info.jsFunction as { package?: unknown }).package ?? 'js_function')}` : 'no js_function block (an MLflow model: loaded by an installed flavor that matches)'}`,
    `integrity:  ${info.integrity.status}${info.integrity.error ? ` (${info.integrity.error.code}: ${info.integrity.error.message})` : ''}`,
  ];
  if (summary.signature) {
    for (const key of ['inputs', 'outputs', 'params']) {
      const value = (summary.signature as Record<string, unknown>)[key];
      if (value !== undefined && value !== null) lines.push(`${`${key}:`.padEnd(12)}${JSON.stringify(value)}`);
    }
  } else lines.push('signature:  none');
  if (summary.environment) lines.push(`environment: ${JSON.stringify(summary.environment)}`);
  write(`${lines.join('\n')}\n`);
  return 0;
}
