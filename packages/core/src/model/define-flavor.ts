import type { FlavorV1 } from '../spec/v1/flavor.js';

/**
 * Identity helper for flavor authors: returns the flavor unchanged and gives it full type inference.
 * It registers nothing.
 */
export function defineFlavor<TNative, TSource, TSaveOptions = Record<string, unknown>, TLoadOptions = Record<string, unknown>>(
  flavor: FlavorV1<TNative, TSource, TSaveOptions, TLoadOptions>,
): FlavorV1<TNative, TSource, TSaveOptions, TLoadOptions> {
  return flavor;
}
