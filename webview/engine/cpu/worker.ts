/**
 * The CPU backend's worker: runs `CpuBackend` off the webview's UI thread, so the page keeps drawing and answering
 * input while a request computes. Built as its own bundle and inlined into the webview's as text (esbuild.mjs,
 * `inline-worker:`), then started from a blob: URL (workerBackend.ts), which the panel's CSP allows as `worker-src blob:`.
 *
 * Messages: in `{ id, plan, analyses, recycled }`; out `{ id, output, timings }` or `{ id, error }`. The backend instance lives as
 * long as the worker, so its PCA warm start carries over between requests.
 */
import { ArrayPool } from '../arrayPool';
import { CpuBackend } from './cpuBackend';
import type { WorkerReply, WorkerRequest } from './workerProtocol';

/** Result arrays the owner recycled and sent back; the backend fills them before allocating new ones. */
const pool = new ArrayPool();
const backend = new CpuBackend(pool);
const scope = globalThis as unknown as { onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null; postMessage(message: WorkerReply, transfer: Transferable[]): void };

scope.onmessage = (event) => {
  const { id, plan, analyses, recycled } = event.data;
  for (const buffer of recycled ?? []) pool.give(new Float32Array(buffer));
  const timings: Record<string, number> = {};
  backend.run(plan, analyses, timings).then(
    (output) => {
      // Hand the arrays over instead of copying them (~4 MB for E at 1000 × 1024, the same again for the similarity).
      const transfer = new Set<ArrayBuffer>();
      const add = (array: unknown): void => void (ArrayBuffer.isView(array) && transfer.add(array.buffer as ArrayBuffer));
      add(output.data);
      add(output.similarity);
      add(output.similarityRows);
      add(output.adjacent);
      add(output.nearest?.index);
      add(output.nearest?.distance);
      for (const v of Object.values(output.columnStats ?? {})) add(v);
      add(output.pca?.projections);
      add(output.pca?.components);
      add(output.mlp?.data);
      // The PCA mean is the column-stats mean: the same buffer, listed once by the Set.
      scope.postMessage({ id, output, timings }, [...transfer]);
    },
    (error: unknown) => scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) }, []),
  );
};
