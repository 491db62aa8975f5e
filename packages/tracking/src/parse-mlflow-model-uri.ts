import { trackingError } from './tracking-error.js';

/** A parsed `runs:/` or `models:/` URI. */
export type MlflowModelUri =
  | { kind: 'run'; uri: string; runId: string; path: string }
  | { kind: 'version'; uri: string; name: string; version: string }
  | { kind: 'alias'; uri: string; name: string; alias: string }
  | { kind: 'latest'; uri: string; name: string }
  | { kind: 'logged-model'; uri: string; modelId: string; path: string };

function invalid(uri: string, why: string): never {
  throw trackingError('ERR_TRACKING_URI_INVALID', `Model URI "${uri}" is not valid: ${why}.`, { uri });
}

function decodeSegments(uri: string, rest: string): string[] {
  try {
    return rest.split('/').filter((segment) => segment !== '').map((segment) => decodeURIComponent(segment));
  } catch {
    return invalid(uri, 'it holds a malformed %-escape');
  }
}

/**
 * Parses an MLflow model URI: `runs:/<run_id>/<path>`, `models:/<name>/<version>`,
 * `models:/<name>@<alias>`, `models:/<name>/latest` and `models:/<model_id>` (an MLflow 3 logged
 * model, `m-<32 hex>`, optionally followed by a path inside it).
 * @throws JsfuncError `ERR_TRACKING_URI_INVALID`
 */
export function parseMlflowModelUri(uri: string): MlflowModelUri {
  const match = /^(runs|models):(.*)$/i.exec(uri);
  if (!match) invalid(uri, 'expected a runs:/ or models:/ URI');
  const scheme = match[1]!.toLowerCase();
  let rest = match[2]!;
  // MLflow also accepts `runs://<run_id>/...` with an empty authority and a profile authority
  // (`models://profile@databricks/...`); jsfunc talks to one tracking server, so only the empty one.
  if (rest.startsWith('//')) {
    const authorityEnd = rest.indexOf('/', 2);
    if (authorityEnd !== 2) invalid(uri, 'a tracking-server authority in the URI is not supported; set MLFLOW_TRACKING_URI instead');
    rest = rest.slice(2);
  }
  if (!rest.startsWith('/')) invalid(uri, `expected "${scheme}:/" followed by a path`);
  const segments = decodeSegments(uri, rest);
  if (segments.some((segment) => segment === '..' || segment === '.')) invalid(uri, 'it contains "." or ".." segments');

  if (scheme === 'runs') {
    const [runId, ...pathParts] = segments;
    if (!runId || !/^[A-Za-z0-9_-]+$/.test(runId)) invalid(uri, 'expected runs:/<run_id>/<artifact path>');
    return { kind: 'run', uri, runId, path: pathParts.join('/') };
  }
  const [first, ...others] = segments;
  if (!first) invalid(uri, 'expected models:/<name>/<version>, models:/<name>@<alias> or models:/<model_id>');
  if (/^m-[0-9a-f]{32}$/.test(first)) return { kind: 'logged-model', uri, modelId: first, path: others.join('/') };
  if (others.length === 0) {
    const at = first.lastIndexOf('@');
    if (at > 0 && at < first.length - 1) return { kind: 'alias', uri, name: first.slice(0, at), alias: first.slice(at + 1) };
    invalid(uri, 'expected a version (models:/<name>/<version>) or an alias (models:/<name>@<alias>)');
  }
  if (others.length !== 1) invalid(uri, 'expected exactly models:/<name>/<version>');
  const version = others[0]!;
  if (version.toLowerCase() === 'latest') return { kind: 'latest', uri, name: first };
  if (!/^[1-9][0-9]*$/.test(version)) {
    invalid(uri, `"${version}" is not a version number (stages such as "Production" are deprecated in MLflow; use an alias: models:/${first}@<alias>)`);
  }
  return { kind: 'version', uri, name: first, version };
}
