/**
 * Keras computes `conv(x, kernel) + bias`: the bias is added once to the finished sum. Seeding the
 * accumulators with the bias instead would round every partial sum at the bias' magnitude, so with a
 * large bias the error would grow with K. This pins the order: the result must be within one
 * rounding of (exact conv) + bias.
 */
import { Conv2D, tensor } from '../lib';

test('a large bias is added once, after the sum', () => {
  const K = 4096;
  let seed = 12345;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const x = Float32Array.from({ length: K }, rand);
  const w = Float32Array.from({ length: K }, rand);
  const bias = 1e6 + 0.3;
  const layer = new Conv2D({ filters: 1, kernelSize: 1 });
  layer.build([1, 1, 1, K]);
  layer.setWeights([tensor(w, [1, 1, K, 1]), tensor([bias], [1])]);
  let exact = 0;
  for (let i = 0; i < K; i++) exact += x[i] * w[i];
  const expected = exact + Math.fround(bias);
  const ulp = 2 ** (Math.floor(Math.log2(Math.abs(expected))) - 23);
  const y = layer.apply(tensor(x, [1, 1, 1, K])).data[0];
  // One rounding of the final add (half an ulp) plus the float32 sum's own error, far below an ulp here.
  expect(Math.abs(y - expected)).toBeLessThanOrEqual(ulp);
});
