/**
 * Asynchronous convolutions go through one process-wide queue in the native module: calls from
 * every request, worker thread and layer wait their turn and run one at a time on a dedicated
 * thread with the whole OpenMP team, so concurrency never oversubscribes the cores and libuv's
 * pool stays free for Node's own work. This module runs one such job with an optional AbortSignal
 * and reports the queue's state.
 */
import { native, type NativePackedWeights } from './binding';

/** The state of the process-wide compute queue (all layers, all threads of the process). */
export interface ComputeStats {
  /** Asynchronous calls waiting for their turn. */
  queued: number;
  /** Calls computing now (0 or 1). */
  running: number;
  /** Calls that finished, since the process started. */
  completed: number;
  /** Calls that ended in an error. */
  failed: number;
  /** Calls cancelled through their AbortSignal before they started. */
  cancelled: number;
}

/** The compute queue's state: how many asynchronous calls wait, run and have ended. */
export function getStats(): ComputeStats {
  return native().computeStats();
}

/** Throws the signal's reason when it is already aborted (an `AbortError` DOMException by default). */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Queues one convolution. An abort before the job starts removes it from the queue and rejects
 * with the signal's reason; once it runs it completes (a convolution is not interrupted midway).
 */
export function runQueued(
  packed: NativePackedWeights, input: Float32Array, output: Float32Array, params: Float64Array,
  signal: AbortSignal | undefined,
): Promise<void> {
  throwIfAborted(signal);
  const job = native().conv2dAsync(packed, input, output, params);
  if (!signal) return job;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      if (native().cancelJob(job.jobId)) reject(signal.reason ?? new DOMException('This operation was aborted', 'AbortError'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    job.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err); // after a cancel the promise above is already settled: this is a no-op
      },
    );
  });
}
