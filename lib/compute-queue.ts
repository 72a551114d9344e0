/**
 * Asynchronous convolutions go through one process-wide queue in the native module: calls from
 * every request, worker thread and layer wait their turn and run one at a time on a dedicated
 * thread with the whole OpenMP team, so concurrency never oversubscribes the cores and libuv's
 * pool stays free for Node's own work. This module runs one such job with an optional AbortSignal
 * and reports the queue's state.
 */
import { isSharedArrayBuffer } from 'node:util/types';
import { native, type NativePackedWeights } from './binding';
import { uninitializedFloat32 } from './output-buffer';

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

/** Which of a call's arrays belong to the caller (and so may be detached while the call waits). */
export interface CallerArrays {
  /** The input array is the caller's own (not a copy this package made while reading it). */
  input: boolean;
  /** The output array is the caller's `out` (not a fresh array this package allocated). */
  output: boolean;
  /** How errors name the output (`out`, `options.out`). */
  outName: string;
}

/**
 * Every ArrayBuffer can be detached (`transfer()`, `structuredClone` / `postMessage` with a
 * transfer list) and its memory freed while a job waits or runs, and Node-API cannot hold that
 * memory alive; a SharedArrayBuffer cannot be detached and stays alive while referenced.
 */
function detachable(a: Float32Array): boolean {
  // util.types rather than instanceof: a SharedArrayBuffer from another realm (a vm context,
  // structuredClone in jest's sandbox) is not an instance of this realm's constructor.
  return a.length > 0 && !isSharedArrayBuffer(a.buffer);
}

/**
 * Queues one convolution. The native job only ever touches memory no one else can free: a
 * caller's input on an ArrayBuffer is copied now (the call computes on the input as it was when
 * called) and a caller's `out` on an ArrayBuffer is written when the job ends, on this thread;
 * arrays on a SharedArrayBuffer, and arrays this package allocated, are used in place.
 *
 * An abort before the job starts removes it from the queue and rejects with the signal's reason;
 * once it runs it completes (a convolution is not interrupted midway).
 */
export async function runQueued(
  packed: NativePackedWeights, input: Float32Array, output: Float32Array, params: Float64Array,
  signal: AbortSignal | undefined, caller: CallerArrays,
): Promise<void> {
  throwIfAborted(signal);
  const source = caller.input && detachable(input) ? input.slice() : input;
  const target = caller.output && detachable(output) ? uninitializedFloat32(output.length) : output;
  await runJob(native().conv2dAsync(packed, source, target, params), signal);
  if (target === output) return;
  // A detached array reads as length 0.
  if (output.length !== target.length) {
    throw new TypeError(
      `${caller.outName}: its ArrayBuffer was detached (transferred) while the call was queued or running; ` +
        'the result was not written',
    );
  }
  output.set(target);
}

function runJob(job: Promise<void> & { jobId: number }, signal: AbortSignal | undefined): Promise<void> {
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
