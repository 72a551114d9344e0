// DRY-RUN ONLY: a float32-emulating JS stand-in for the native module, to debug the tests.
/* eslint-disable */
const fr = Math.fround;
const MUT = process.env.MUT ?? '';
function erf(x: number): number { // A&S-ish via series, good enough for dry run
  const t = Math.abs(x); let sum = t, term = t; const z2 = 2*t*t;
  for (let n=1;n<400;n++){ term *= z2/(2*n+1); sum += term; if (term < 1e-17*sum) break; }
  const v = t > 6 ? 1 : (2/Math.sqrt(Math.PI))*Math.exp(-t*t)*sum;
  return x < 0 ? -v : v;
}
const ACT: Record<string, (x: number, a?: number) => number> = {
  linear: (x) => x, relu: (x) => Math.max(x, 0), relu6: (x) => Math.min(Math.max(x, 0), 6),
  leaky_relu: (x, a) => (x >= 0 ? x : (a ?? 0.2) * x), elu: (x, a) => (x > 0 ? x : (a ?? 1) * Math.expm1(x)),
  selu: (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * Math.expm1(x)),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)), tanh: Math.tanh, silu: (x) => x / (1 + Math.exp(-x)),
  gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)), hard_sigmoid: (x) => Math.min(Math.max(x / 6 + 0.5, 0), 1),
  softplus: (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))),
};
let threads = 2;
function run(p: any, input: Float32Array, out: Float32Array, q: any) {
  const { kernel, bias, dims } = p; const { kh, kw, cinPerGroup: Cg, filters: F, groups: G } = dims;
  const N = q.batch, H = q.height, W = q.width, C = q.channels, cf = q.channelsFirst;
  const [sh, sw, dh, dw] = [q.strideH, q.strideW, q.dilationH, q.dilationW];
  const same = q.padding === 'same';
  const OH = same ? Math.ceil(H / sh) : Math.floor((H - (kh - 1) * dh - 1) / sh) + 1;
  const OW = same ? Math.ceil(W / sw) : Math.floor((W - (kw - 1) * dw - 1) / sw) + 1;
  const pt = same ? (MUT==='padtop'?Math.ceil:Math.floor)(Math.max((OH - 1) * sh + (kh - 1) * dh + 1 - H, 0) / 2) : 0;
  const pl = same ? Math.floor(Math.max((OW - 1) * sw + (kw - 1) * dw + 1 - W, 0) / 2) : 0;
  const Fg = F / G; const act = ACT[q.activation];
  if (!act) throw new Error('fake: activation ' + q.activation);
  for (let n = 0; n < N; n++) for (let i = 0; i < OH; i++) for (let j = 0; j < OW; j++) for (let f = 0; f < F; f++) {
    const g = Math.floor(f / Fg); let acc = bias ? bias[f] : 0;
    for (let a = 0; a < kh; a++) { const ii = i * sh + a * dh - pt; if (ii < 0 || ii >= H) continue;
      for (let b = 0; b < kw; b++) { const jj = j * sw + b * dw - pl; if (jj < 0 || jj >= W) continue;
        for (let c = 0; c < Cg; c++) { const ch = MUT==='groups' ? c * G + g : g * Cg + c;
          const xv = cf ? input[((n * C + ch) * H + ii) * W + jj] : input[((n * H + ii) * W + jj) * C + ch];
          acc = fr(acc + xv * kernel[MUT==='flip' ? (((kh-1-a) * kw + (kw-1-b)) * Cg + c) * F + f : ((a * kw + b) * Cg + c) * F + f]); } } }
    const o = cf ? ((n * F + f) * OH + i) * OW + j : ((n * OH + i) * OW + j) * F + f;
    let v = act(acc, q.alpha);
    if (MUT==='ulp16') v = v * (1 + 2**-19);
    if (MUT==='gelutanh' && q.activation==='gelu') v = 0.5*acc*(1+Math.tanh(Math.sqrt(2/Math.PI)*(acc+0.044715*acc**3)));
    if (MUT==='hs02' && q.activation==='hard_sigmoid') v = Math.min(Math.max(0.2*acc+0.5,0),1);
    if (MUT==='leaky3' && q.activation==='leaky_relu') v = acc>=0?acc:0.3*acc;
    if (MUT==='sigmoid_tanh' && q.activation==='sigmoid') v = fr(fr(0.5*fr(Math.tanh(fr(0.5*acc))))+0.5);
    if (MUT==='elu_naive' && q.activation==='elu') v = acc>0?acc:fr(fr(Math.exp(acc))-1);
    if (MUT==='nobias') v = act(acc - (bias ? bias[f] : 0), q.alpha);
    out[o] = fr(v);
  }
}
export function native() {
  return {
    packWeights: (k: Float32Array, b: Float32Array | null, dims: any) => ({ kernel: k.slice(), bias: b ? b.slice() : null, dims }),
    conv2d: run,
    conv2dAsync: (p: any, i: Float32Array, o: Float32Array, q: any) => new Promise<void>((res, rej) => setTimeout(() => { try { run(p, i, o, q); res(); } catch (e) { rej(e); } }, 1)),
    plan: () => { throw new Error('fake'); },
    info: () => ({ isa: 'fake', availableIsas: ['fake'], openmp: false, numThreads: threads, napiVersion: 9, version: '0' }),
    setNumThreads: (n: number) => { threads = n; },
  };
}
