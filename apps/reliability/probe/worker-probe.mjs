// Test-only preload (`NODE_OPTIONS=--import <this file>`): on SIGUSR2 a process runs a full garbage
// collection and writes what the soak test cannot read from /proc -- its resident memory and heap
// after that collection, and the TF.js engine's live tensor count, if TF.js is loaded in it --
// to $JSFUNC_PROBE_DIR/<pid>.json. TF.js keeps its engine on globalThis._tfengine, so this reads
// the very engine the flavor uses without importing anything.
//
// Node runs `--import` preloads in worker threads too (a worker started from a file inherits
// NODE_OPTIONS). Signals reach only the main thread, so there the probe first asks every worker
// thread of the process, over a BroadcastChannel, to collect its own isolate and report its heap:
// the main thread's gc() collects only the main isolate, and a worker thread's heap (the server's
// ONNX worker) is part of the process's resident memory too.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';

const directory = process.env.JSFUNC_PROBE_DIR;
const CHANNEL = 'jsfunc-probe';

/** V8's heap of this isolate: totals and the size of every space (MiB, 1 decimal). */
function heapOfThisIsolate() {
  const mib = (bytes) => Math.round((bytes / 1048576) * 10) / 10;
  const statistics = v8.getHeapStatistics();
  const spaces = {};
  for (const space of v8.getHeapSpaceStatistics()) spaces[space.space_name.replace(/_space$/, '')] = [mib(space.space_used_size), mib(space.space_size)];
  return {
    usedMiB: mib(statistics.used_heap_size),
    totalMiB: mib(statistics.total_heap_size),
    physicalMiB: mib(statistics.total_physical_size),
    mallocedMiB: mib(statistics.malloced_memory),
    peakMallocedMiB: mib(statistics.peak_malloced_memory), // V8's zones (compilers, parser) at their peak
    externalMiB: mib(statistics.external_memory),
    spaces, // [used, committed]
  };
}

/** Anonymous and file-backed resident memory of this process (kB), from /proc/self/smaps_rollup. */
function smapsRollup() {
  try {
    const text = readFileSync('/proc/self/smaps_rollup', 'utf8');
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { rssKib: field('Rss'), anonymousKib: field('Anonymous'), fileKib: field('Rss') - field('Anonymous') };
  } catch {
    return null;
  }
}

if (directory) {
  // A full garbage collection before each report, so resident memory is compared between two
  // settled heaps rather than at whatever point the collector happened to be.
  v8.setFlagsFromString('--expose-gc');
  const collect = vm.runInNewContext('gc');
  if (isMainThread) {
    const channel = new BroadcastChannel(CHANNEL);
    channel.unref();
    let threads = [];
    channel.onmessage = ({ data }) => {
      if (data?.type === 'thread-report') threads.push(data.report);
    };
    process.on('SIGUSR2', () => {
      threads = [];
      channel.postMessage({ type: 'collect' });
      // worker threads answer within a few ms when idle; give them 300 ms
      setTimeout(() => {
        collect();
        collect();
        const engine = globalThis._tfengine;
        const memory = engine && typeof engine.memory === 'function' ? engine.memory() : undefined;
        const usage = process.memoryUsage();
        const report = {
          pid: process.pid,
          time: Date.now(),
          tfjs: memory ? { numTensors: memory.numTensors, numDataBuffers: memory.numDataBuffers, numBytes: memory.numBytes } : null,
          heapUsed: usage.heapUsed,
          rss: usage.rss,
          external: usage.external,
          arrayBuffers: usage.arrayBuffers,
          heap: heapOfThisIsolate(),
          smaps: smapsRollup(),
          threads: threads.sort((a, b) => a.threadId - b.threadId),
        };
        const file = path.join(directory, `${process.pid}.json`);
        writeFileSync(`${file}.tmp`, JSON.stringify(report));
        renameSync(`${file}.tmp`, file);
      }, 300).unref();
    });
  } else {
    const channel = new BroadcastChannel(CHANNEL);
    channel.unref(); // never keeps a worker thread alive
    channel.onmessage = ({ data }) => {
      if (data?.type !== 'collect') return;
      collect();
      collect();
      channel.postMessage({ type: 'thread-report', report: { threadId, heap: heapOfThisIsolate() } });
    };
  }
}
