import { describe, expect, it } from 'vitest';
import type { ModelDataV1, TensorV1 } from '@jsfunc/core';
import { concatBatch, splitBatch } from './batch-data.js';
import { createBatcher, type BatchTarget } from './create-batcher.js';

const rows = (values: number[][]): ModelDataV1 => ({
  kind: 'tensor',
  tensor: { dtype: 'float32', shape: [values.length, values[0]!.length], data: new Float32Array(values.flat()) },
});

/** A one-worker target that doubles its input and records the batch sizes it saw. */
function doublingTarget(): BatchTarget & { calls: number[]; release(): void } {
  let busy = false;
  const listeners: Array<() => void> = [];
  const waiting: Array<() => void> = [];
  const calls: number[] = [];
  return {
    calls,
    hasIdleWorker: () => !busy,
    onIdle: (listener) => listeners.push(listener),
    release: () => waiting.shift()?.(),
    async run(data) {
      busy = true;
      const tensor = (data as { tensor: TensorV1 }).tensor;
      calls.push(tensor.shape[0]!);
      await new Promise<void>((resolve) => waiting.push(resolve));
      busy = false;
      queueMicrotask(() => listeners.forEach((l) => l()));
      return { data: { kind: 'tensor', tensor: { ...tensor, data: (tensor.data as Float32Array).map((v) => v * 2) } }, computeMs: 1 };
    },
  };
}

describe('concatBatch / splitBatch', () => {
  it('round-trips rows of several requests', () => {
    const batch = concatBatch([rows([[1, 2]]), rows([[3, 4], [5, 6]])]);
    expect(batch).toEqual(rows([[1, 2], [3, 4], [5, 6]]));
    expect(splitBatch(batch, [1, 2])).toEqual([rows([[1, 2]]), rows([[3, 4], [5, 6]])]);
  });

  it('gives up when the output has no batch dimension', () => {
    expect(splitBatch({ kind: 'value', value: 1 }, [1, 1])).toBeUndefined();
  });
});

describe('createBatcher', () => {
  it('runs requests that arrive while the worker is busy as one batch, and answers each with its own rows', async () => {
    const target = doublingTarget();
    const batcher = createBatcher(target, { maxBatchSize: 8, maxQueueDelayMs: 0 });
    const first = batcher.submit(rows([[1, 1]]));
    await Promise.resolve();
    const others = [batcher.submit(rows([[2, 2]])), batcher.submit(rows([[3, 3], [4, 4]]))];
    target.release();
    await first;
    await new Promise((r) => setTimeout(r, 0));
    target.release();
    const answers = await Promise.all(others);
    expect(target.calls).toEqual([1, 3]);
    expect(answers[0]).toEqual(rows([[4, 4]]));
    expect(answers[1]).toEqual(rows([[6, 6], [8, 8]]));
  });

  it('refuses requests beyond the queue cap with ERR_SERVER_QUEUE_FULL', async () => {
    const target = doublingTarget();
    const batcher = createBatcher(target, { maxBatchSize: 64, maxQueueSize: 1, maxQueueDelayMs: 0 });
    void batcher.submit(rows([[1, 1]]));
    await Promise.resolve();
    void batcher.submit(rows([[2, 2]]));
    await expect(batcher.submit(rows([[3, 3]]))).rejects.toMatchObject({ code: 'ERR_SERVER_QUEUE_FULL' });
  });
});
