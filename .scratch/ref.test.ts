import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Rng, caseSeed } from '../test/helpers/random';
import { referenceConv2d, assertWithinBound, ErrorStats, nchwToNhwc, nhwcToNchw } from '../test/helpers/reference';
beforeAll(async () => { tf.env().set('IS_TEST', true); await tf.setBackend('cpu'); await tf.ready(); });
test('ref vs tfjs many', () => {
  const st = new ErrorStats();
  for (let i = 0; i < 300; i++) {
    const rng = new Rng(caseSeed(99, i));
    const kh = rng.int(1,5), kw = rng.int(1,5);
    let s: [number,number] = [1,1], d: [number,number] = [1,1];
    if (rng.bool()) s = [rng.int(1,3), rng.int(1,3)]; else d = [rng.int(1,3), rng.int(1,3)];
    const pad = rng.bool() ? 'same' : 'valid';
    const H = pad==='same' ? rng.int(1,10) : (kh-1)*d[0]+1+rng.int(0,4);
    const W = pad==='same' ? rng.int(1,10) : (kw-1)*d[1]+1+rng.int(0,4);
    const C = rng.int(1,6), F = rng.int(1,5), N = rng.int(1,2);
    const x = rng.normalArray(N*H*W*C), k = rng.normalArray(kh*kw*C*F);
    const r = referenceConv2d({data:x, shape:[N,H,W,C]}, {data:k, shape:[kh,kw,C,F]}, null, {strides:s, padding:pad, dilationRate:d});
    const y = tf.conv2d(tf.tensor4d(x,[N,H,W,C]), tf.tensor4d(k,[kh,kw,C,F]), s, pad as any, 'NHWC', d);
    const out = {data: Float32Array.from(y.dataSync()), shape: y.shape};
    st.add('l', assertWithinBound(out, r, `case ${i}`), `${i}`);
    // channels_first through reference
    const xc = nhwcToNchw(x, [N,H,W,C]);
    const rc = referenceConv2d(xc, {data:k, shape:[kh,kw,C,F]}, null, {strides:s, padding:pad, dilationRate:d, dataFormat:'channels_first'});
    const oc = nhwcToNchw(out.data, out.shape);
    st.add('cf', assertWithinBound(oc, rc, `cf case ${i}`), `${i}`);
    // groups: split channels
  }
  console.log(st.report('scratch'));
});
