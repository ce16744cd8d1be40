/**
 * The WebGPU device and what every kernel owner shares: a pipeline cache keyed by shader key and override constants,
 * a buffer pool keyed by role so repeated computes reuse allocations, and error scopes that turn validation and
 * out-of-memory errors into thrown errors (STYLE.md "GPU kernels"; webgpu-samples util.ts for `device.lost`).
 *
 * Usage flags are numeric literals rather than `GPUBufferUsage.*`, so the engine runs in Node without the `webgpu`
 * package's globals being installed.
 */

/** GPUBufferUsage bits (WebGPU spec §4.1). */
export const USAGE = {
  MAP_READ: 0x0001,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;
/** GPUMapMode.READ. */
const MAP_READ_MODE = 0x0001;
/**
 * The one staging buffer every readback maps (computes are serialised and each read unmaps before the next starts).
 * One role, not one per label: labels name row ranges, and a buffer per label would pile up as T changes.
 */
const STAGING_ROLE = 'readback.staging';

/** Names a software adapter (SwiftShader, WARP, llvmpipe), or returns '' for hardware. */
export function isSoftwareAdapter(adapter: GPUAdapter): string {
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  const legacy = (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  const text = [info.vendor, info.architecture, info.device, info.description].join(' ');
  const named = /swiftshader|llvmpipe|lavapipe|warp|software/i.exec(text);
  if (named) return named[0];
  return info.isFallbackAdapter === true || legacy === true ? 'fallback adapter' : '';
}

/** Requests a device with the adapter's own buffer limits (the defaults cap bindings at 128 MiB). */
export async function acquireDevice(adapter: GPUAdapter): Promise<GpuDevice> {
  const limits = adapter.limits;
  const device = await adapter.requestDevice({
    label: 'timestep-lens engine',
    requiredLimits: {
      maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
      maxBufferSize: limits.maxBufferSize,
      maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
    },
  });
  return new GpuDevice(device);
}

/** A device plus the caches the kernels share. One compute uses it at a time (the engine serialises calls). */
export class GpuDevice {
  readonly device: GPUDevice;
  /** Set once the device is lost; every later GPU call throws, and the engine recomputes on the CPU. */
  lostReason: string | undefined;
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly buffers = new Map<string, GPUBuffer>();

  constructor(device: GPUDevice) {
    this.device = device;
    void device.lost.then((info) => {
      this.lostReason = `${info.reason}: ${info.message || 'no message'}`;
    });
  }

  get limits(): GPUSupportedLimits {
    return this.device.limits;
  }

  /** Throws when the device is gone, so a stage fails fast instead of queuing work nobody will run. */
  checkAlive(): void {
    if (this.lostReason !== undefined) throw new DeviceLostError(this.lostReason);
  }

  /**
   * The pipeline for a WGSL module and its override constants, created once per key. Creation runs inside validation
   * and internal error scopes. Synchronous createComputePipeline on purpose: the `webgpu` package's (Dawn, 0.6.2)
   * createComputePipelineAsync crashes the process.
   */
  async pipeline(key: string, code: string, constants: Record<string, number> = {}): Promise<GPUComputePipeline> {
    this.checkAlive();
    const fullKey = `${key}|${JSON.stringify(constants)}`;
    const cached = this.pipelines.get(fullKey);
    if (cached) return cached;
    const device = this.device;
    device.pushErrorScope('validation');
    device.pushErrorScope('internal');
    const module = device.createShaderModule({ label: key, code });
    const pipeline = device.createComputePipeline({
      label: fullKey,
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants },
    });
    const internal = await device.popErrorScope();
    const validation = await device.popErrorScope();
    const error = validation ?? internal;
    if (error) {
      const info = await module.getCompilationInfo().catch(() => undefined);
      const messages = info?.messages.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('\n') ?? '';
      throw new Error(`pipeline ${key}: ${error.message}${messages ? `\n${messages}` : ''}`);
    }
    this.pipelines.set(fullKey, pipeline);
    return pipeline;
  }

  /**
   * A buffer for a role (`embedding.out`, `similarity.uniform`, ...), reused while it is big enough. Buffers grow to the
   * next power of two so a slider moving through sizes does not reallocate each time.
   */
  buffer(role: string, size: number, usage: number): GPUBuffer {
    this.checkAlive();
    const bytes = Math.max(16, Math.ceil(size / 16) * 16);
    const existing = this.buffers.get(role);
    if (existing && existing.size >= bytes && existing.usage === usage) return existing;
    existing?.destroy();
    const maxSize = this.device.limits.maxBufferSize;
    const grown = Math.min(maxSize, Math.max(bytes, 2 ** Math.ceil(Math.log2(bytes))));
    const buffer = this.device.createBuffer({ label: role, size: Math.max(bytes, grown - (grown % 16)), usage });
    this.buffers.set(role, buffer);
    return buffer;
  }

  /** A storage buffer for a role holding `data` (uploaded now). */
  upload(role: string, data: Float32Array | Uint32Array | Int32Array, extraUsage = 0): GPUBuffer {
    const buffer = this.buffer(role, data.byteLength, USAGE.STORAGE | USAGE.COPY_DST | USAGE.COPY_SRC | extraUsage);
    if (data.byteLength > 0) this.device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
    return buffer;
  }

  /** A uniform buffer for a role holding `data`. Each dispatch of one submission needs its own role. */
  uniform(role: string, data: ArrayBuffer): GPUBuffer {
    const buffer = this.buffer(role, data.byteLength, USAGE.UNIFORM | USAGE.COPY_DST);
    this.device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  /** A bind group for `pipeline` with buffers in binding order (binding i = buffers[i]). */
  bindGroup(label: string, pipeline: GPUComputePipeline, buffers: readonly (GPUBuffer | { buffer: GPUBuffer; offset: number; size: number })[]): GPUBindGroup {
    return this.device.createBindGroup({
      label,
      layout: pipeline.getBindGroupLayout(0),
      entries: buffers.map((b, binding) => ({ binding, resource: 'offset' in b ? b : { buffer: b } })),
    });
  }

  /**
   * Encodes with `record`, submits, and waits for completion inside validation and out-of-memory error scopes;
   * an error becomes a thrown Error naming the stage.
   */
  async submit(label: string, record: (encoder: GPUCommandEncoder) => void): Promise<void> {
    this.checkAlive();
    const device = this.device;
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');
    const encoder = device.createCommandEncoder({ label });
    record(encoder);
    device.queue.submit([encoder.finish({ label })]);
    const oom = await device.popErrorScope();
    const validation = await device.popErrorScope();
    const error = validation ?? oom;
    if (error) throw new Error(`${label}: ${error.message}`);
    this.checkAlive();
  }

  /**
   * Copies `bytes` of `source` (from `offset`) into a new ArrayBuffer through a reused staging buffer. The copy is
   * allocated and faulted in while the mapping is pending (overlapping the GPU), then filled with `set`.
   */
  async read(label: string, source: GPUBuffer, bytes: number, offset = 0): Promise<ArrayBuffer> {
    const mappedBytes = Math.ceil(bytes / 4) * 4;
    const staging = this.buffer(STAGING_ROLE, bytes, USAGE.MAP_READ | USAGE.COPY_DST);
    await this.submit(`${label} readback`, (encoder) => encoder.copyBufferToBuffer(source, offset, staging, 0, bytes));
    const mapped = staging.mapAsync(MAP_READ_MODE, 0, mappedBytes);
    const copy = new ArrayBuffer(mappedBytes);
    const pages = new Uint8Array(copy);
    for (let k = 0; k < mappedBytes; k += 4096) pages[k] = 0;
    try {
      await mapped;
    } catch (error) {
      this.checkAlive();
      throw error;
    }
    pages.set(new Uint8Array(staging.getMappedRange(0, mappedBytes)));
    staging.unmap();
    return bytes === mappedBytes ? copy : copy.slice(0, bytes);
  }

  /**
   * Records `record`, then a copy of `count` floats of `source` to a staging buffer, in one submission, and reads them
   * into `allocate()`'s array at `targetOffset`, which it returns. The error scopes are popped, the mapping requested and `allocate` run
   * before anything is awaited, so allocating (and faulting in) the result overlaps the GPU's work and the GPU
   * process's round trips; the mapped range is copied with `set`, not `slice`d into a fresh buffer. A validation or
   * out-of-memory error still becomes a thrown Error naming the stage.
   */
  async runAndRead(
    label: string,
    record: (encoder: GPUCommandEncoder) => void,
    source: GPUBuffer,
    count: number,
    allocate: () => Float32Array,
    targetOffset = 0,
  ): Promise<Float32Array> {
    this.checkAlive();
    const device = this.device;
    const bytes = count * 4;
    const staging = this.buffer(STAGING_ROLE, bytes, USAGE.MAP_READ | USAGE.COPY_DST);
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');
    const encoder = device.createCommandEncoder({ label });
    record(encoder);
    encoder.copyBufferToBuffer(source, 0, staging, 0, bytes);
    device.queue.submit([encoder.finish({ label })]);
    const oom = device.popErrorScope();
    const validation = device.popErrorScope();
    const mapped = staging.mapAsync(MAP_READ_MODE, 0, bytes);
    // A failed submission rejects the mapping too; the scope's error is the one worth reporting.
    mapped.catch(() => undefined);
    const target = allocate();
    const error = (await validation) ?? (await oom);
    if (error) throw new Error(`${label}: ${error.message}`);
    try {
      await mapped;
    } catch (mapError) {
      this.checkAlive();
      throw mapError;
    }
    target.set(new Float32Array(staging.getMappedRange(0, bytes)), targetOffset);
    staging.unmap();
    return target;
  }

  /** Workgroup grid for `count` invocations of size `workgroupSize`: x up to the per-dimension limit, then y. */
  grid(count: number, workgroupSize: number): [number, number] {
    const groups = Math.max(1, Math.ceil(count / workgroupSize));
    const maxPerDim = this.device.limits.maxComputeWorkgroupsPerDimension;
    const x = Math.min(groups, maxPerDim);
    const y = Math.ceil(groups / x);
    if (y > maxPerDim) throw new Error(`${count} invocations exceed the workgroup grid (${maxPerDim}² groups)`);
    return [x, y];
  }

  /** Frees every pooled buffer and the device. */
  dispose(): void {
    for (const buffer of this.buffers.values()) buffer.destroy();
    this.buffers.clear();
    this.pipelines.clear();
    this.device.destroy();
  }
}

/** Thrown by GPU calls after the device was lost; the engine answers it by recomputing on the CPU. */
export class DeviceLostError extends Error {
  constructor(reason: string) {
    super(`WebGPU device lost (${reason})`);
    this.name = 'DeviceLostError';
  }
}
