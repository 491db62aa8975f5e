import type { LoggerV1 } from '../spec/v1/flavor.js';

/** The logger used when none is given: warnings go to `console.warn`, the rest is dropped. */
export const defaultLogger: LoggerV1 = {
  warn(message) {
    console.warn(`[jsfunc] ${message}`);
  },
  // Present (and quiet) so that flavors' informational messages are not promoted to warnings.
  info() {},
  debug() {},
};

/** A logger that drops everything (for tests and quiet tools). */
export const silentLogger: LoggerV1 = { warn() {} };
