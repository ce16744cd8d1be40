// The in-browser half of bench/run.mjs: the engine (WebGPU and CPU backends), TF.js (WebGPU and WASM) and plain JS on
// the same workloads in the same Chromium. Exposes runBench(config) → { [workload]: { [implementation]: samples } }.
/* global TimestepEngine, tf, setWasmPaths */
(() => {
  const now = () => performance.now();

  /**
   * Samples `fn` after one warm-up: 5 samples under 1 s, 3 under 5 s, else 1; a warm-up over 5 s is the only sample
   * (SwiftShader cases of tens of seconds), so the table states each cell's count.
   */
  async function measure(fn) {
    const first = await timed(fn); // warm-up: pipelines, wasm compilation, buffer pools
    if (first > 5000) return { samples: [first], first }; // slow enough that warm-up effects do not matter
    const again = await timed(fn);
    const samples = [again];
    const reps = again < 1000 ? 5 : again < 5000 ? 3 : 1;
    while (samples.length < reps) samples.push(await timed(fn));
    return { samples, first };
  }

  /**
   * A cell scaled up from a measured one (`c.estimateFrom`, `c.workRatio`): its expected time, or undefined. Cells
   * whose estimate exceeds the budget are not run (a single SwiftShader TF.js-WebGPU similarity at 4000² would take
   * over ten minutes), and the table shows the estimate instead, marked as such.
   */
  function estimateFor(results, impl, c) {
    const base = c.estimateFrom && results[c.estimateFrom]?.[impl]?.samples;
    if (!base) return undefined;
    const sorted = [...base].sort((a, b) => a - b);
    return sorted[(sorted.length - 1) >> 1] * c.workRatio;
  }

  async function timed(fn) {
    const t = now();
    const reported = await fn();
    return typeof reported === 'number' ? reported : now() - t;
  }

  const seeded = (seed) => () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
  function weights(inDim, hidden, out) {
    const random = seeded(7);
    const u = (n, fan) => Float32Array.from({ length: n }, () => (random() * 2 - 1) / Math.sqrt(fan));
    return { w1: u(hidden * inDim, inDim), b1: u(hidden, inDim), w2: u(out * hidden, hidden), b2: u(out, hidden), act: 'silu' };
  }

  // ADM frequencies as the core forms them (only the TF.js and naive variants need them here).
  function admFrequencies(half) {
    const negLog = Math.fround(-Math.log(10000));
    return Float32Array.from({ length: half }, (_, i) => Math.fround(Math.exp(Math.fround(Math.fround(negLog * i) / half))));
  }

  const naive = {
    embedding(t, width) {
      const half = width / 2;
      const f = admFrequencies(half);
      const out = new Float32Array(t.length * width);
      for (let r = 0; r < t.length; r++)
        for (let i = 0; i < half; i++) {
          const a = Math.fround(t[r] * f[i]);
          out[r * width + i] = Math.cos(a);
          out[r * width + half + i] = Math.sin(a);
        }
      return out;
    },
    similarity(e, n, m) {
      const out = new Float32Array(n * n);
      const norms = new Float64Array(n);
      for (let r = 0; r < n; r++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += e[r * m + k] * e[r * m + k];
        norms[r] = Math.sqrt(s);
      }
      for (let r = 0; r < n; r++)
        for (let s = 0; s < n; s++) {
          let d = 0;
          for (let k = 0; k < m; k++) d += e[r * m + k] * e[s * m + k];
          out[r * n + s] = d / (norms[r] * norms[s]);
        }
      return out;
    },
    mlp(x, rows, inDim, w) {
      const hidden = w.b1.length;
      const outDim = w.b2.length;
      const h = new Float32Array(rows * hidden);
      for (let r = 0; r < rows; r++)
        for (let o = 0; o < hidden; o++) {
          let s = w.b1[o];
          for (let k = 0; k < inDim; k++) s += x[r * inDim + k] * w.w1[o * inDim + k];
          h[r * hidden + o] = s / (1 + Math.exp(-s));
        }
      const y = new Float32Array(rows * outDim);
      for (let r = 0; r < rows; r++)
        for (let o = 0; o < outDim; o++) {
          let s = w.b2[o];
          for (let k = 0; k < hidden; k++) s += h[r * hidden + k] * w.w2[o * hidden + k];
          y[r * outDim + o] = s;
        }
      return y;
    },
  };

  async function tfjsFor(backend) {
    await tf.setBackend(backend);
    await tf.ready();
    return {
      async embedding(t, width) {
        const half = width / 2;
        const result = tf.tidy(() => {
          const args = tf.mul(tf.tensor2d(t, [t.length, 1]), tf.tensor2d(admFrequencies(half), [1, half]));
          return tf.concat([tf.cos(args), tf.sin(args)], 1);
        });
        await result.data();
        result.dispose();
      },
      async similarity(e, n, m) {
        const input = tf.tensor2d(e, [n, m]);
        await input.data(); // resident before timing, as the engine's E is
        const t0 = now();
        const result = tf.tidy(() => {
          const unit = tf.div(input, tf.norm(input, 'euclidean', 1, true));
          return tf.matMul(unit, unit, false, true);
        });
        await result.data();
        const ms = now() - t0;
        result.dispose();
        input.dispose();
        return ms;
      },
      async mlp(x, rows, inDim, w) {
        const hidden = w.b1.length;
        const tensors = [tf.tensor2d(x, [rows, inDim]), tf.tensor2d(w.w1, [hidden, inDim]), tf.tensor1d(w.b1), tf.tensor2d(w.w2, [w.b2.length, hidden]), tf.tensor1d(w.b2)];
        await Promise.all(tensors.map((t) => t.data()));
        const [tx, tw1, tb1, tw2, tb2] = tensors;
        const t0 = now();
        const result = tf.tidy(() => {
          const h = tf.add(tf.matMul(tx, tw1, false, true), tb1);
          return tf.add(tf.matMul(tf.mul(h, tf.sigmoid(h)), tw2, false, true), tb2);
        });
        await result.data();
        const ms = now() - t0;
        result.dispose();
        tensors.forEach((t) => t.dispose());
        return ms;
      },
    };
  }

  /**
   * The engine on one backend. With `recycle`, each result is handed back (engine.recycle) once the next call has
   * returned, as the Explorer does when new plots replace old ones: the steady state of a moving slider, where result
   * arrays are reused instead of allocated. Without it, every call allocates its result arrays, as TF.js's data() does.
   */
  async function engineFor(kind, recycle) {
    const engine = await TimestepEngine.createEngine(kind === 'cpu' ? { backend: 'cpu' } : { gpu: navigator.gpu, force: 'webgpu' });
    let previous;
    const run = async (request, analyses, stage) => {
      const result = await engine.compute(request, analyses);
      if (recycle && previous) engine.recycle(previous);
      previous = result;
      return result.timings[stage];
    };
    return {
      engine,
      embedding: (t, width) => run({ preset: 'adm', timesteps: t, params: { dim: width } }, {}, 'total'),
      similarity: (t, width) => run({ preset: 'adm', timesteps: t, params: { dim: width } }, { similarity: true }, 'similarity'),
      mlp: (t, width, w) => run({ preset: 'adm', timesteps: t, params: { dim: width } }, { mlp: w }, 'mlp'),
    };
  }

  globalThis.runBench = async function runBench(config) {
    const log = (msg) => console.log(`[bench] ${msg}`);
    setWasmPaths(`${location.origin}/`);
    const results = {};
    const record = (workload, impl, value) => ((results[workload] ??= {})[impl] = value);
    const cases = config.workloads;
    const mlpWeights = weights(1024, 1280, 1280);
    for (const impl of config.implementations) {
      let runner;
      if (impl.startsWith('engine')) runner = await engineFor(impl.startsWith('engine-cpu') ? 'cpu' : 'webgpu', !impl.endsWith('-fresh'));
      else if (impl === 'tfjs-webgpu') runner = await tfjsFor('webgpu');
      else if (impl === 'tfjs-wasm') runner = await tfjsFor('wasm');
      for (const c of cases) {
        if (config.skip?.[impl]?.includes(c.id)) {
          record(c.id, impl, { skipped: config.skip.reason?.[impl] ?? 'skipped' });
          continue;
        }
        const estimate = estimateFor(results, impl, c);
        if (estimate !== undefined && estimate > config.cellBudgetMs) {
          const reason = `not run: ≈${(estimate / 1000).toFixed(0)} s estimated (${c.workRatio}× ${c.estimateFrom}) > ${(config.cellBudgetMs / 1000).toFixed(0)} s budget`;
          log(`${impl} ${c.id}: ${reason}`);
          record(c.id, impl, { skipped: reason, estimate });
          continue;
        }
        const t = Array.from({ length: c.rows }, (_, i) => i * c.step);
        const e = naive.embedding(t, c.width);
        let fn;
        if (impl === 'naive-js') {
          if (c.kind === 'embedding') fn = () => naive.embedding(t, c.width);
          if (c.kind === 'similarity') fn = () => naive.similarity(e, c.rows, c.width);
          if (c.kind === 'mlp') fn = () => naive.mlp(e, c.rows, c.width, mlpWeights);
        } else if (impl.startsWith('engine')) {
          fn = () => runner[c.kind](t, c.width, mlpWeights);
        } else {
          if (c.kind === 'embedding') fn = () => runner.embedding(t, c.width);
          if (c.kind === 'similarity') fn = () => runner.similarity(e, c.rows, c.width);
          if (c.kind === 'mlp') fn = () => runner.mlp(e, c.rows, c.width, mlpWeights);
        }
        try {
          const m = await measure(fn);
          log(`${impl} ${c.id}: ${m.samples.map((s) => s.toFixed(1)).join(', ')} ms`);
          record(c.id, impl, m);
        } catch (error) {
          log(`${impl} ${c.id} failed: ${error}`);
          record(c.id, impl, { error: String(error) });
        }
      }
      runner?.engine?.dispose();
    }
    return { results, backendInfo: await describeAdapter() };
  };

  async function describeAdapter() {
    const adapter = navigator.gpu ? await navigator.gpu.requestAdapter() : null;
    return adapter ? `${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}` : 'no WebGPU adapter';
  }
})();
