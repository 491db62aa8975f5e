import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics of one server (its own registry: nothing global). */
export interface ServerMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'model' | 'protocol' | 'status'>;
  readonly failures: Counter<'model' | 'reason'>;
  readonly requestDuration: Histogram<'model' | 'protocol'>;
  readonly queueDuration: Histogram<'model'>;
  readonly computeDuration: Histogram<'model'>;
  readonly batchSize: Histogram<'model'>;
  readonly inFlight: Gauge<'model'>;
}

/** Creates the metrics: requests, failures by reason, request/queue/compute time, batch sizes. */
export function createMetrics(options: { defaultMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'jsfunc_' });
  const seconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
  return {
    registry,
    requests: new Counter({ name: 'jsfunc_requests_total', help: 'Inference requests answered, by model, protocol and HTTP status.', labelNames: ['model', 'protocol', 'status'], registers: [registry] }),
    failures: new Counter({ name: 'jsfunc_request_failures_total', help: 'Failed inference requests by reason (error code).', labelNames: ['model', 'reason'], registers: [registry] }),
    requestDuration: new Histogram({ name: 'jsfunc_request_duration_seconds', help: 'Whole request time (parse, queue, compute, serialise).', labelNames: ['model', 'protocol'], buckets: seconds, registers: [registry] }),
    queueDuration: new Histogram({ name: 'jsfunc_queue_duration_seconds', help: 'Time a request waited in the batching queue.', labelNames: ['model'], buckets: seconds, registers: [registry] }),
    computeDuration: new Histogram({ name: 'jsfunc_compute_duration_seconds', help: 'Time the model spent computing one call (a batch counts once).', labelNames: ['model'], buckets: seconds, registers: [registry] }),
    batchSize: new Histogram({ name: 'jsfunc_batch_size', help: 'Rows per model call when dynamic batching is on.', labelNames: ['model'], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [registry] }),
    inFlight: new Gauge({ name: 'jsfunc_requests_in_flight', help: 'Requests being answered.', labelNames: ['model'], registers: [registry] }),
  };
}
