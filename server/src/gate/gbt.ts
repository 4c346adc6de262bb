// Small gradient-boosted trees for the logistic loss, histogram-based (features pre-binned to <= 32 quantile
// bins) and grown depth-wise to a few levels. Deterministic: row subsampling uses a seeded generator, so the
// same events always give the same model file.
import type { GbtParams, TreeParams } from '../../../common/gate/model';

export interface GbtOptions {
  trees?: number;
  depth?: number;
  learningRate?: number;
  /** Minimum number of rows in a leaf. */
  minLeaf?: number;
  /** L2 penalty on leaf values. */
  lambda?: number;
  bins?: number;
  subsample?: number;
  seed?: number;
}

/** mulberry32: a tiny seeded uniform generator. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cut points per feature: x <= cuts[k] falls in bin k, above the last cut in bin cuts.length. */
function makeCuts(x: Float64Array, n: number, d: number, bins: number): Float64Array[] {
  // quantiles of an evenly spaced sample of at most 8192 rows are plenty for <= 32 bins
  const step = Math.max(1, Math.floor(n / 8192));
  const m = Math.ceil(n / step);
  const col = new Float64Array(m);
  const cuts: Float64Array[] = [];
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < m; k++) col[k] = x[k * step * d + j];
    col.sort();
    const c: number[] = [];
    for (let b = 1; b < bins; b++) {
      const v = col[Math.floor((b * m) / bins)];
      if (v < col[m - 1] && (!c.length || v > c[c.length - 1])) c.push(v);
    }
    cuts.push(Float64Array.from(c));
  }
  return cuts;
}

function binOf(cuts: Float64Array, v: number): number {
  let lo = 0, hi = cuts.length;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (v <= cuts[mid]) hi = mid; else lo = mid + 1; }
  return lo;
}

export function fitGbt(x: Float64Array, d: number, labels: ArrayLike<number>, weights: ArrayLike<number>, opts: GbtOptions = {}): GbtParams {
  // one concrete array type keeps the hot loops monomorphic whatever array kind the caller passes
  const y = Float64Array.from(labels), w = Float64Array.from(weights);
  const n = y.length;
  const nTrees = opts.trees ?? 100, maxDepth = opts.depth ?? 3, lr = opts.learningRate ?? 0.1;
  const minLeaf = opts.minLeaf ?? 10, lambda = opts.lambda ?? 1, nb = opts.bins ?? 32, sub = opts.subsample ?? 0.8;
  const rng = seeded(opts.seed ?? 1);
  const cuts = makeCuts(x, n, d, nb);
  const bin = new Uint8Array(n * d); // row-major like x: bin[i * d + j]
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) bin[i * d + j] = binOf(cuts[j], x[i * d + j]);
  const stride = 3 * nb; // histogram layout: per feature, per bin: gradient, hessian, count

  let sw = 0, swy = 0;
  for (let i = 0; i < n; i++) { sw += w[i]; swy += w[i] * y[i]; }
  const prior = Math.min(Math.max(swy / (sw || 1), 1e-4), 1 - 1e-4);
  const base = Math.log(prior / (1 - prior));
  const f = new Float64Array(n).fill(base);
  const g = new Float64Array(n), h = new Float64Array(n);
  const rows = new Int32Array(n);
  const trees: TreeParams[] = [];

  for (let t = 0; t < nTrees; t++) {
    let m = 0;
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-f[i]));
      g[i] = w[i] * (p - y[i]);
      h[i] = w[i] * Math.max(p * (1 - p), 1e-6);
      if (sub >= 1 || rng() < sub) rows[m++] = i;
    }
    const tree: TreeParams = { feature: [], threshold: [], left: [], right: [], value: [] };
    const splitBin: number[] = [];
    // depth-first growth; each node owns rows[from, to). A node's histogram (gradient, hessian, count per
    // feature bin) is built directly only for the smaller child; the larger one is the parent's minus it.
    const histogram = (from: number, to: number): Float64Array => {
      const hist = new Float64Array(d * stride);
      for (let k = from; k < to; k++) {
        const i = rows[k], gi = g[i], hi = h[i], row = i * d;
        for (let j = 0, off = 0; j < d; j++, off += stride) {
          const o = off + 3 * bin[row + j];
          hist[o] += gi; hist[o + 1] += hi; hist[o + 2]++;
        }
      }
      return hist;
    };
    const grow = (from: number, to: number, depth: number, hist: Float64Array | null): number => {
      const id = tree.feature.length;
      tree.feature.push(-1); tree.threshold.push(0); tree.left.push(-1); tree.right.push(-1); tree.value.push(0);
      splitBin.push(-1);
      let G = 0, H = 0;
      for (let k = from; k < to; k++) { G += g[rows[k]]; H += h[rows[k]]; }
      tree.value[id] = -G / (H + lambda);
      if (depth >= maxDepth || to - from < 2 * minLeaf) return id;
      const hs = hist ?? histogram(from, to);
      let best = 1e-9, bf = -1, bb = -1;
      const parent = (G * G) / (H + lambda);
      for (let j = 0; j < d; j++) {
        const nbj = cuts[j].length; // splits after bins 0..nbj-1
        let GL = 0, HL = 0, CL = 0;
        for (let b = 0; b < nbj; b++) {
          const o = 3 * (j * nb + b);
          GL += hs[o]; HL += hs[o + 1]; CL += hs[o + 2];
          const CR = to - from - CL;
          if (CL < minLeaf) continue;
          if (CR < minLeaf) break;
          const GR = G - GL, HR = H - HL;
          const gain = (GL * GL) / (HL + lambda) + (GR * GR) / (HR + lambda) - parent;
          if (gain > best) { best = gain; bf = j; bb = b; }
        }
      }
      if (bf < 0) return id;
      // partition rows[from, to) so the left child's rows come first
      let a = from, z = to - 1;
      while (a <= z) {
        if (bin[rows[a] * d + bf] <= bb) a++;
        else { const tmp = rows[a]; rows[a] = rows[z]; rows[z] = tmp; z--; }
      }
      tree.feature[id] = bf;
      tree.threshold[id] = cuts[bf][bb];
      splitBin[id] = bb;
      let leftHist: Float64Array | null = null, rightHist: Float64Array | null = null;
      if (depth + 1 < maxDepth) {
        const leftSmall = a - from <= to - a;
        const small = leftSmall ? histogram(from, a) : histogram(a, to);
        for (let k = 0; k < hs.length; k++) hs[k] -= small[k];
        if (leftSmall) { leftHist = small; rightHist = hs; } else { leftHist = hs; rightHist = small; }
      }
      tree.left[id] = grow(from, a, depth + 1, leftHist);
      tree.right[id] = grow(a, to, depth + 1, rightHist);
      return id;
    };
    grow(0, m, 0, null);
    for (let i = 0; i < n; i++) {
      let node = 0;
      while (tree.feature[node] >= 0) node = bin[i * d + tree.feature[node]] <= splitBin[node] ? tree.left[node] : tree.right[node];
      f[i] += lr * tree.value[node];
    }
    trees.push(tree);
  }
  return { kind: 'gbt', base, learningRate: lr, depth: maxDepth, trees };
}

/** Scores row-major x with fitted trees (training-side twin of the compiled scorer in common/gate/model). */
export function predictGbt(p: GbtParams, x: Float64Array, d: number): Float64Array {
  const n = x.length / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = p.base;
    for (const t of p.trees) {
      let node = 0;
      while (t.feature[node] >= 0) node = x[i * d + t.feature[node]] <= t.threshold[node] ? t.left[node] : t.right[node];
      s += p.learningRate * t.value[node];
    }
    out[i] = 1 / (1 + Math.exp(-s));
  }
  return out;
}
