const brand = Symbol.for('@jsfunc/core.JsfuncError');

/** Options accepted by {@link JsfuncError}. */
export interface JsfuncErrorOptions<TDetails extends Record<string, unknown> = Record<string, unknown>> {
  /** Stable machine-readable code, `ERR_<AREA>_<PROBLEM>`; every code has a row in docs/errors.md. */
  code: string;
  /** What was expected, what was found, and what to do. */
  message: string;
  /** Typed payload: the values a program needs to react to the error. */
  details?: TDetails;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The one base error of jsfunc. Every error thrown by a jsfunc package is a `JsfuncError` with a
 * stable `code`. Use {@link JsfuncError.isInstance} rather than `instanceof`: it also recognises
 * errors created by another copy of `@jsfunc/core` in the same dependency tree.
 */
export class JsfuncError<TDetails extends Record<string, unknown> = Record<string, unknown>> extends Error {
  /** Stable code, for example `ERR_MODEL_INTEGRITY`. */
  readonly code: string;
  /** Typed payload fields describing the problem. */
  readonly details: TDetails;

  constructor(options: JsfuncErrorOptions<TDetails>) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'JsfuncError';
    this.code = options.code;
    this.details = options.details ?? ({} as TDetails);
    Object.defineProperty(this, brand, { value: true, enumerable: false });
  }

  /** True when `value` is a JsfuncError from any copy of `@jsfunc/core`, optionally with one code. */
  static isInstance(value: unknown, code?: string): value is JsfuncError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[brand] === true &&
      (code === undefined || (value as { code?: unknown }).code === code)
    );
  }

  /** A plain JSON-friendly view: `{ code, message, details }`. */
  toJSON(): { code: string; message: string; details: TDetails } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

/** Shorthand used across packages: `throw jsfuncError('ERR_X', 'message', { ... })`. */
export function jsfuncError<TDetails extends Record<string, unknown>>(
  code: string,
  message: string,
  details?: TDetails,
  cause?: unknown,
): JsfuncError<TDetails> {
  return new JsfuncError<TDetails>({ code, message, details: details ?? ({} as TDetails), cause });
}
