/** `inline-worker:` imports are a worker's bundled source as a string (esbuild.mjs, inlineWorkerPlugin). */
declare module 'inline-worker:*' {
  const source: string;
  export default source;
}
