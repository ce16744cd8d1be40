/**
 * The engine's entry (built to dist/engine.js for Node and to an IIFE for the webview):
 *   const engine = await createEngine({ gpu });            // gpu: navigator.gpu, or require('webgpu').create([])
 *   const engine = await createEngine({ backend: 'cpu' });
 *   const { data, shape, backend, timings, similarity } = await engine.compute(request, { similarity: true });
 */
export { createEngine } from './engine';
export type { EngineOptions } from './engine';
export { selectBackend } from './backend';
export type { BackendPreference, ComputeBackend, Selection, SelectOptions } from './backend';
export * from './types';
