/** Owner of pca.wgsl: the products with the centred, GPU-resident embedding that the PCA driver (analysis.ts) needs. */
import type { PcaProducts } from '../analysis';
import { USAGE, type GpuDevice } from './device';
import pcaWgsl from './pca.wgsl';

const GROUP = 64;

/** PcaProducts backed by pca.wgsl. The vectors travel as float32; the driver keeps its own state in float64. */
export function gpuPcaProducts(gpu: GpuDevice, e: GPUBuffer, n: number, m: number, mean: Float32Array): PcaProducts {
  const meanBuffer = gpu.upload('pca.mean', mean);
  const product = async (mode: 0 | 1, src: Float64Array, p: number): Promise<Float64Array> => {
    const pipeline = await gpu.pipeline('pca', pcaWgsl, { MODE: mode });
    const outRows = mode === 0 ? n : m;
    const input = gpu.upload(`pca.src.${mode}`, Float32Array.from(src));
    const out = gpu.buffer(`pca.dst.${mode}`, outRows * p * 4, USAGE.STORAGE | USAGE.COPY_SRC);
    const [gx, gy] = gpu.grid(outRows, GROUP);
    const uniform = gpu.uniform(`pca.params.${mode}`, Uint32Array.of(n, m, p, gx * GROUP).buffer);
    const bindGroup = gpu.bindGroup('pca', pipeline, [uniform, e, meanBuffer, input, out]);
    await gpu.submit(mode === 0 ? 'pca Xc·V' : 'pca Xcᵀ·Z', (encoder) => {
      const pass = encoder.beginComputePass({ label: 'pca' });
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bindGroup);
      pass.dispatchWorkgroups(gx, gy);
      pass.end();
    });
    return Float64Array.from(new Float32Array(await gpu.read(`pca.${mode}`, out, outRows * p * 4)));
  };
  return { mulV: (v, p) => product(0, v, p), mulTZ: (z, p) => product(1, z, p) };
}
