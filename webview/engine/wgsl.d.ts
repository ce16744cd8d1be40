/** WGSL kernels are imported as source strings through esbuild's `.wgsl` text loader (STYLE.md "GPU kernels"). */
declare module '*.wgsl' {
  const source: string;
  export default source;
}
