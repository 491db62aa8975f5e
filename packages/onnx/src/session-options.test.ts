import { JsfuncError } from '@jsfunc/core';
import { describe, expect, it } from 'vitest';
import { parseSessionOptions, toMlflowProvider, toMlflowSessionOptions, toOrtProvider, toOrtSessionOptions } from './session-options.js';

describe('session options', () => {
  it('write MLflow\'s snake_case form and read it back for onnxruntime-node', () => {
    const saved = toMlflowSessionOptions({ executionMode: 'sequential', graphOptimizationLevel: 'all', intraOpNumThreads: 19 });
    expect(saved).toEqual({ execution_mode: 'sequential', graph_optimization_level: 99, intra_op_num_threads: 19 });
    expect(toOrtSessionOptions(parseSessionOptions(saved, 'snake'))).toEqual({ executionMode: 'sequential', graphOptimizationLevel: 'all', intraOpNumThreads: 19 });
    expect(toMlflowSessionOptions(undefined)).toBeNull();
  });

  it('accept what MLflow accepts (case-insensitive mode, numeric levels, extra config)', () => {
    const parsed = parseSessionOptions({ execution_mode: 'PARALLEL', graph_optimization_level: 1, inter_op_num_threads: 2, extra_session_config: { 'session.intra_op.allow_spinning': 0 }, enable_profiling: true }, 'snake');
    expect(toOrtSessionOptions(parsed)).toEqual({ executionMode: 'parallel', graphOptimizationLevel: 'basic', interOpNumThreads: 2, extra: { 'session.intra_op.allow_spinning': '0' } });
  });

  it('refuse invalid values with ERR_ONNX_SESSION_OPTIONS', () => {
    for (const bad of [{ executionMode: 'fast' }, { graphOptimizationLevel: 3 }, { intraOpNumThreads: -1 }, { threads: 2 }]) {
      expect(() => parseSessionOptions(bad, 'camel')).toThrow(expect.objectContaining({ code: 'ERR_ONNX_SESSION_OPTIONS' }) as never);
    }
    expect(() => toMlflowSessionOptions({ intraOpNumThreads: 1.5 })).toThrow(JsfuncError);
  });

  it('map provider names between MLflow and onnxruntime-node', () => {
    expect(['CUDAExecutionProvider', 'CPUExecutionProvider', 'cpu', 'TensorrtExecutionProvider'].map(toOrtProvider)).toEqual(['cuda', 'cpu', 'cpu', 'tensorrt']);
    expect(['cuda', 'cpu', 'CPUExecutionProvider'].map(toMlflowProvider)).toEqual(['CUDAExecutionProvider', 'CPUExecutionProvider', 'CPUExecutionProvider']);
  });
});
