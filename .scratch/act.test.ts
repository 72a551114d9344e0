import { applyActivation, U } from '../test/helpers/reference';
import { Rng } from '../test/helpers/random';
const r = Math.fround;
const f32: Record<string,(x:number)=>number> = {
  elu: (x)=> x>0?x:r(r(Math.exp(x))-1),
  selu: (x)=> x>0? r(r(1.0507009873554805)*x) : r(r(r(1.0507009873554805)*r(1.6732632423543772))*r(r(Math.exp(x))-1)),
  gelu: (x)=> r(r(r(0.5)*x)*r(1+r(erf32(r(x*r(Math.SQRT1_2)))))),
  hard_sigmoid: (x)=> Math.min(Math.max(r(r(x/6)+0.5),0),1),
  sigmoid: (x)=> r(1/r(1+r(Math.exp(-x)))),
  tanh: (x)=> r(Math.tanh(x)),
  silu: (x)=> r(x*r(1/r(1+r(Math.exp(-x))))),
  softplus: (x)=> x>0? r(x + r(Math.log1p(r(Math.exp(-x))))) : r(Math.log1p(r(Math.exp(x)))),
  leaky_relu: (x)=> Math.max(x, r(x*r(0.2))),
  relu6: (x)=> Math.min(Math.max(x,0),6),
};
// erf via double then rounded
import { erf } from '../test/helpers/reference';
function erf32(z:number){ return r(erf(z)); }
test('f32 formulas fit the bound', () => {
  const rng = new Rng(5);
  const worst: Record<string, number> = {}; const worstStrict: Record<string, number> = {};
  for (const name of Object.keys(f32)) {
    const n = 20000;
    const pre = new Float64Array(n), pb = new Float64Array(n);
    for (let i=0;i<n;i++){ pre[i] = r(rng.normal(0, 4)); pb[i] = 4*U*Math.abs(pre[i]) + 1e-300; }
    const { ref, bound, strictBound } = applyActivation(name, pre, pb, [n]);
    let w=0, ws=0;
    for (let i=0;i<n;i++){ const e = Math.abs(f32[name](pre[i]) - ref[i]); w=Math.max(w, e/bound[i]); ws=Math.max(ws, e/strictBound[i]); }
    worst[name]=w; worstStrict[name]=ws;
  }
  console.log(JSON.stringify(worst,null,1), JSON.stringify(worstStrict,null,1));
});
