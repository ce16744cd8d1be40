/**
 * EDM's c_noise, the network input each preconditioning feeds the noise embedding (NVlabs/edm training/networks.py),
 * computed in float32 from float32 σ in the upstream operation order.
 */
import { f32, logF32 } from './float';
import type { EmbedResult, Problem } from './types';
import { ValidationError } from './types';

/** EDM preconditionings. */
export type Precond = 'vp' | 've' | 'edm' | 'iddpm';

/** Arguments of cNoise; params use EDM's names (M, beta_d, beta_min, C_1, C_2). */
export interface CNoiseRequest {
  readonly precond: Precond;
  readonly sigma: readonly number[];
  readonly params?: Readonly<Record<string, number>>;
}

const DEFAULTS: Readonly<Record<Precond, Readonly<Record<string, number>>>> = {
  vp: { M: 1000, beta_d: 19.9, beta_min: 0.1 },
  ve: {},
  edm: {},
  iddpm: { M: 1000, C_1: 0.001, C_2: 0.008 },
};

/** Problems with a cNoise request; empty when it will run. */
export function validateCNoise(request: CNoiseRequest): Problem[] {
  const problems: Problem[] = [];
  if (!(request.precond in DEFAULTS))
    return [{ param: 'precond', message: `precond must be one of vp, ve, edm, iddpm (got ${String(request.precond)})` }];
  if (!Array.isArray(request.sigma) || request.sigma.length === 0)
    problems.push({ param: 'sigma', message: 'sigma must be a non-empty list of noise levels' });
  else if (!request.sigma.every((s) => typeof s === 'number' && Number.isFinite(s) && s >= 0))
    problems.push({ param: 'sigma', message: 'sigma must hold finite noise levels ≥ 0' });
  const known = DEFAULTS[request.precond];
  for (const [name, value] of Object.entries(request.params ?? {})) {
    if (!(name in known))
      problems.push({ param: name, message: `${request.precond} has no parameter '${name}'; it takes ${Object.keys(known).join(', ') || 'none'}` });
    else if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      problems.push({ param: name, message: `${name} must be a positive number` });
  }
  const merged = { ...known, ...(request.params ?? {}) };
  if ('M' in merged && !Number.isInteger(merged['M'])) problems.push({ param: 'M', message: 'M must be an integer number of steps' });
  return problems;
}

/** VP: (M-1) · σ⁻¹(σ), σ⁻¹(σ) = (sqrt(β_min² + 2β_d·ln(1+σ²)) - β_min) / β_d. */
function vpCNoise(sigma: number, p: Readonly<Record<string, number>>): number {
  const betaMin = p['beta_min']!;
  const betaD = p['beta_d']!;
  // beta_min ** 2 and 2 * beta_d are Python doubles; each meets a float32 tensor and is rounded to float32.
  const log = logF32(f32(1 + f32(sigma * sigma)));
  const inner = f32(f32(betaMin ** 2) + f32(f32(2 * betaD) * log));
  const sigmaInv = f32(f32(f32(Math.sqrt(inner)) - f32(betaMin)) / f32(betaD));
  return f32((p['M']! - 1) * sigmaInv);
}

/** iDDPM's σ table u[0..M], built backwards from u[M] = 0 exactly as iDDPMPrecond.__init__ does. */
export function iddpmSigmaTable(M: number, C1: number, C2: number): Float32Array {
  const alphaBar = (j: number): number => {
    const angle = f32(f32(f32(f32(0.5 * Math.PI) * j) / M) / f32(C2 + 1));
    const s = f32(Math.sin(angle));
    return f32(s * s);
  };
  const u = new Float32Array(M + 1);
  for (let j = M; j > 0; j--) {
    const ratio = Math.max(f32(alphaBar(j - 1) / alphaBar(j)), f32(C1));
    u[j - 1] = f32(Math.sqrt(f32(f32(f32(f32(u[j]! * u[j]!) + 1) / ratio) - 1)));
  }
  return u;
}

/** c_noise for each σ, shape [n, 1]. Throws ValidationError on bad input. */
export function cNoise(request: CNoiseRequest): EmbedResult {
  const problems = validateCNoise(request);
  if (problems.length > 0) throw new ValidationError(problems);
  const p = { ...DEFAULTS[request.precond], ...(request.params ?? {}) };
  const sigma = request.sigma.map(f32);
  const warnings: string[] = [];
  let data: Float32Array;
  switch (request.precond) {
    case 'vp':
      data = Float32Array.from(sigma, (s) => vpCNoise(s, p));
      if (sigma.some((s) => s < 0.01))
        warnings.push('VP c_noise loses precision below σ = 0.01: float32 ln(1+σ²) is off by up to 5e-4 at σ = 0.002, as upstream');
      break;
    case 've':
      data = Float32Array.from(sigma, (s) => logF32(f32(0.5 * s)));
      break;
    case 'edm':
      data = Float32Array.from(sigma, (s) => f32(logF32(s) / 4));
      break;
    case 'iddpm': {
      const M = p['M']!;
      const u = iddpmSigmaTable(M, p['C_1']!, p['C_2']!);
      data = Float32Array.from(sigma, (s) => f32(M - 1 - nearestIndex(u, s)));
      break;
    }
  }
  if (sigma.some((s) => s === 0) && request.precond !== 'vp' && request.precond !== 'iddpm')
    warnings.push('σ = 0 gives ln 0 = -inf, as upstream; sample σ > 0');
  return { shape: [sigma.length, 1], data, warnings };
}

/** Index of the table entry nearest to σ (first on ties, like argmin). */
function nearestIndex(u: Float32Array, sigma: number): number {
  let best = 0;
  for (let k = 1; k < u.length; k++) if (Math.abs(sigma - u[k]!) < Math.abs(sigma - u[best]!)) best = k;
  return best;
}
