// Test-only preload (`NODE_OPTIONS=--import <this file>`): on SIGUSR2 a process writes what the soak
// test cannot read from /proc -- the TF.js engine's live tensor count, if TF.js is loaded in it --
// to $JSFUNC_PROBE_DIR/<pid>.json. TF.js keeps its engine on globalThis._tfengine, so this reads
// the very engine the flavor uses without importing anything.
import { writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';

const directory = process.env.JSFUNC_PROBE_DIR;
if (directory) {
  process.on('SIGUSR2', () => {
    const engine = globalThis._tfengine;
    const memory = engine && typeof engine.memory === 'function' ? engine.memory() : undefined;
    const report = {
      pid: process.pid,
      time: Date.now(),
      tfjs: memory ? { numTensors: memory.numTensors, numDataBuffers: memory.numDataBuffers, numBytes: memory.numBytes } : null,
      heapUsed: process.memoryUsage().heapUsed,
    };
    const file = path.join(directory, `${process.pid}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(report));
    renameSync(`${file}.tmp`, file);
  });
}
