import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { jsfuncError } from '../errors/jsfunc-error.js';

/**
 * Turns a model URI that is not local (`runs:/…`, `models:/…`, `s3://…`) into a local directory.
 * `@jsfunc/tracking` provides one for MLflow URIs.
 */
export interface ModelUriResolverV1 {
  /** URI schemes handled, without the colon (`runs`, `models`). */
  readonly schemes: readonly string[];
  /** Downloads (or finds in a cache) the model and returns its local directory. */
  resolve(uri: string): Promise<string>;
}

/** The scheme of a URI (`file`, `runs`, `models`), or undefined for a plain local path. */
export function uriScheme(uri: string): string | undefined {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(uri);
  if (!match || /^[a-zA-Z]:[\\/]/.test(uri)) return undefined;
  return match[1]!.toLowerCase();
}

/**
 * Resolves a model URI to a local directory: a plain path, a `file://` URI, or any scheme one of
 * `resolvers` handles.
 * @throws JsfuncError `ERR_MODEL_URI_UNSUPPORTED`
 */
export async function resolveModelUri(uri: string, resolvers: readonly ModelUriResolverV1[] = []): Promise<string> {
  const scheme = uriScheme(uri);
  if (scheme === undefined) return path.resolve(uri);
  if (scheme === 'file') return fileURLToPath(uri.startsWith('file://') ? uri : `file://${uri.slice('file:'.length)}`);
  const resolver = resolvers.find((candidate) => candidate.schemes.includes(scheme));
  if (resolver) return resolver.resolve(uri);
  throw jsfuncError(
    'ERR_MODEL_URI_UNSUPPORTED',
    `No resolver handles "${scheme}:" model URIs (${uri}). Local paths and file:// URIs work as they are; for runs:/ and models:/ URIs pass mlflowResolver() from @jsfunc/tracking in the loader's resolvers.`,
    { uri, scheme },
  );
}
