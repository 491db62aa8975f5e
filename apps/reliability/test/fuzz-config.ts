/**
 * Shared fast-check settings. In CI (and by default) the seed is fixed so a run is repeatable;
 * `FUZZ_LONG=1` (the `fuzz:long` script) draws a random seed and many more runs. `FUZZ_SEED` and
 * `FUZZ_RUNS` override either. fast-check prints the seed and the shrunk counterexample on failure:
 * rerun with `FUZZ_SEED=<seed>` to reproduce.
 */
export const FUZZ_LONG = process.env.FUZZ_LONG === '1';
export const FUZZ_SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) : FUZZ_LONG ? Math.floor(Math.random() * 2 ** 31) : 20_240_901;

/** Runs per property: `FUZZ_RUNS`, else `short` (CI) or 100x that (`fuzz:long`). */
export function fuzzRuns(short: number): number {
  if (process.env.FUZZ_RUNS !== undefined) return Number(process.env.FUZZ_RUNS);
  return FUZZ_LONG ? short * 100 : short;
}

/** fast-check parameters for one property. */
export function fuzzParameters(short: number): { seed: number; numRuns: number; endOnFailure: boolean } {
  return { seed: FUZZ_SEED, numRuns: fuzzRuns(short), endOnFailure: true };
}
