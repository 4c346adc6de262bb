// L2-regularised logistic regression on standardised features, fitted by Newton's method (IRLS) with step
// halving. Plain TypeScript: the feature count is small (tens), so the (d+1)^2 Hessian is cheap to solve.
import type { LogRegParams } from '../../../common/gate/model';

export interface LogRegOptions {
  /** L2 strength relative to the total sample weight (penalty lambda * sumW / 2 * |w|^2; bias unpenalised). */
  lambda?: number;
  maxIter?: number;
}

/** x: row-major n x d. Returns weights on the standardised scale plus the standardisation itself. */
export function fitLogReg(x: Float64Array, d: number, labels: ArrayLike<number>, weights: ArrayLike<number>, opts: LogRegOptions = {}): LogRegParams {
  // one concrete array type keeps the hot loops monomorphic whatever array kind the caller passes
  const y = Float64Array.from(labels), w = Float64Array.from(weights);
  const n = y.length;
  const lambda = opts.lambda ?? 0.01;
  const mean = new Array<number>(d).fill(0), scale = new Array<number>(d).fill(0);
  let sumW = 0;
  for (let i = 0; i < n; i++) { sumW += w[i]; for (let j = 0; j < d; j++) mean[j] += w[i] * x[i * d + j]; }
  for (let j = 0; j < d; j++) mean[j] /= sumW || 1;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) scale[j] += w[i] * (x[i * d + j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) { const sd = Math.sqrt(scale[j] / (sumW || 1)); scale[j] = sd > 1e-9 ? sd : 0; }
  const z = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) z[i * d + j] = scale[j] ? (x[i * d + j] - mean[j]) / scale[j] : 0;

  const D = d + 1; // last coordinate is the bias
  const beta = new Float64Array(D);
  const pen = lambda * sumW;
  const loss = (b: Float64Array) => {
    let l = 0;
    for (let i = 0; i < n; i++) {
      let s = b[d];
      for (let j = 0; j < d; j++) s += b[j] * z[i * d + j];
      l += w[i] * (Math.max(s, 0) - s * y[i] + Math.log1p(Math.exp(-Math.abs(s))));
    }
    for (let j = 0; j < d; j++) l += 0.5 * pen * b[j] * b[j];
    return l;
  };
  let current = loss(beta);
  const g = new Float64Array(D), H = new Float64Array(D * D);
  // the Hessian only steers the step (the line search checks the true loss), so a row sample is enough
  const stride = Math.max(1, Math.floor(n / 4000));
  for (let iter = 0; iter < (opts.maxIter ?? 30); iter++) {
    g.fill(0); H.fill(0);
    for (let i = 0; i < n; i++) {
      const row = i * d;
      let s = beta[d];
      for (let j = 0; j < d; j++) s += beta[j] * z[row + j];
      const p = 1 / (1 + Math.exp(-s));
      const r = w[i] * (p - y[i]), h = w[i] * Math.max(p * (1 - p), 1e-12);
      g[d] += r;
      if (i % stride) { for (let j = 0; j < d; j++) g[j] += r * z[row + j]; continue; }
      const hs = h * stride;
      for (let j = 0; j < d; j++) {
        const zj = z[row + j];
        if (zj === 0) continue;
        g[j] += r * zj;
        const hz = hs * zj, hrow = j * D;
        for (let k = j; k < d; k++) H[hrow + k] += hz * z[row + k];
        H[hrow + d] += hz;
      }
      H[d * D + d] += hs;
    }
    for (let j = 0; j < d; j++) { g[j] += pen * beta[j]; H[j * D + j] += pen + 1e-9; }
    for (let j = 0; j < D; j++) for (let k = 0; k < j; k++) H[j * D + k] = H[k * D + j];
    const step = solve(H, g, D);
    let t = 1, next = new Float64Array(D), nextLoss = Infinity;
    for (let halvings = 0; halvings < 20; halvings++, t /= 2) {
      for (let j = 0; j < D; j++) next[j] = beta[j] - t * step[j];
      nextLoss = loss(next);
      if (nextLoss <= current) break;
    }
    if (!(nextLoss <= current)) break;
    const gain = current - nextLoss;
    beta.set(next);
    next = new Float64Array(D);
    current = nextLoss;
    if (gain < 1e-7 * Math.max(1, current)) break;
  }
  return { kind: 'logreg', mean, scale, weights: Array.from(beta.subarray(0, d), (b, j) => (scale[j] ? b : 0)), bias: beta[d], lambda };
}

/** Solves A s = b for symmetric positive definite A (Cholesky). */
function solve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * n + j];
    }
  }
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) { let s = b[i]; for (let k = 0; k < i; k++) s -= L[i * n + k] * t[k]; t[i] = s / L[i * n + i]; }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) { let s = t[i]; for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k]; x[i] = s / L[i * n + i]; }
  return x;
}

/** Scores row-major x with fitted params (training-side twin of the compiled scorer in common/gate/model). */
export function predictLogReg(p: LogRegParams, x: Float64Array, d: number): Float64Array {
  const n = x.length / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = p.bias;
    for (let j = 0; j < d; j++) if (p.scale[j]) s += (p.weights[j] * (x[i * d + j] - p.mean[j])) / p.scale[j];
    out[i] = 1 / (1 + Math.exp(-s));
  }
  return out;
}
