/**
 * Calls that keep the process-wide compute queue busy for tens of milliseconds (about 1.2 GFLOP
 * each), so a call queued behind them has certainly not started yet when a test acts on it
 * (aborts it, detaches its buffers, replaces its weights), even on a loaded machine.
 */
import { Conv2D, tensor, type Tensor } from '../../lib';
import { Rng } from './random';

let blocker: { layer: Conv2D; x: Tensor } | null = null;

/** Queues `n` such calls now; await them before the test ends. */
export function heavy(n: number): Promise<Tensor>[] {
  if (!blocker) {
    const layer = new Conv2D({ filters: 64, kernelSize: 3, padding: 'same', useBias: false });
    layer.build([4, 64, 64, 64]);
    blocker = { layer, x: tensor(new Rng(99).normalArray(4 * 64 * 64 * 64), [4, 64, 64, 64]) };
  }
  const { layer, x } = blocker;
  return Array.from({ length: n }, () => layer.applyAsync(x));
}
