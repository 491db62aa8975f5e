// Test-only preload (`NODE_OPTIONS=--import <this file>`): on SIGUSR2 a process runs a full garbage
// collection and writes what the soak test cannot read from /proc -- its resident memory and heap
// after that collection, and the TF.js engine's live tensor count, if TF.js is loaded in it --
// to $JSFUNC_PROBE_DIR/<pid>.json. TF.js keeps its engine on globalThis._tfengine, so this reads
// the very engine the flavor uses without importing anything.
import { writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';

const directory = process.env.JSFUNC_PROBE_DIR;
if (directory) {
  // A full garbage collection before each report, so resident memory is compared between two
  // settled heaps rather than at whatever point the collector happened to be.
  v8.setFlagsFromString('--expose-gc');
  const collect = vm.runInNewContext('gc');
  process.on('SIGUSR2', () => {
    collect();
    collect();
    const engine = globalThis._tfengine;
    const memory = engine && typeof engine.memory === 'function' ? engine.memory() : undefined;
    const report = {
      pid: process.pid,
      time: Date.now(),
      tfjs: memory ? { numTensors: memory.numTensors, numDataBuffers: memory.numDataBuffers, numBytes: memory.numBytes } : null,
      heapUsed: process.memoryUsage().heapUsed,
      rss: process.memoryUsage().rss,
    };
    const file = path.join(directory, `${process.pid}.json`);
    writeFileSync(`${file}.tmp`, JSON.stringify(report));
    renameSync(`${file}.tmp`, file);
  });
}
