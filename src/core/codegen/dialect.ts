/**
 * How one framework spells the numpy-like operations the embedding needs. The shared emitter (emitter.ts) walks a
 * preset's recipe and asks the dialect for each operation, so every framework computes the same float32 steps in
 * the same order; only the spelling differs. Each framework file (pytorch.ts, numpy.ts, ...) exports one Dialect.
 */
import type { Activation, Framework, InjectionStyle } from './types';
import type { Stmt } from './python';
import type { Recipe } from './recipe';

/** A float dtype the generated code can name. */
export type FloatDtype = 'float32' | 'float16' | 'bfloat16';

/** Everything a class-based form needs to know about the embedding it wraps. */
export interface ModuleSpec {
  readonly recipe: Recipe;
  /** Name of the generated function the module calls. */
  readonly functionName: string;
  /** Class name (with tab-stop markers when requested). */
  readonly className: string;
}

/** The Linear-act-Linear (or upstream variant) that follows the embedding. */
export interface MlpSpec extends ModuleSpec {
  /** Name of the embedding module class. */
  readonly embedderClass: string;
  readonly hidden: number;
  readonly activation: Activation | undefined;
}

/** The example block of the injection form. */
export interface InjectionSpec extends MlpSpec {
  readonly style: InjectionStyle;
  /** Name of the MLP class the block's example uses. */
  readonly mlpClass: string;
}

/** A framework's spelling of the embedding operations and its class-based forms. */
export interface Dialect {
  readonly framework: Framework;
  /** Type of an array in hints: `torch.Tensor`, `np.ndarray`, ... */
  readonly arrayType: string;
  /** True when the code reads t's own dtype at run time (torch); false when it is fixed by the request (the rest). */
  readonly dynamicDtype: boolean;
  /** Import lines for the function form (third-party group); `math` is added by the emitter when used. */
  imports(code: string): string[];
  /** float32 arange(start, stop, step) as a float32 array; `start`/`step` omitted when undefined. */
  arange(stop: string, start?: string, step?: string): string;
  /** Cast to a float dtype. */
  cast(x: string, dtype: FloatDtype): string;
  /** Elementwise function: exp, log, sin, cos. */
  call(fn: 'exp' | 'log' | 'sin' | 'cos', x: string): string;
  /** Concatenate along the last axis. */
  concat(items: readonly string[]): string;
  /** Stack along a new last axis. */
  stack(items: readonly string[]): string;
  /** Reshape to the given shape (a Python tuple's items, e.g. ['-1', 'embed_dim']). */
  reshape(x: string, shape: readonly string[]): string;
  /** Append one zero column. */
  padColumn(x: string): string;
  /** Repeat a [n, 1] column `count` times along axis 1. */
  repeatColumns(x: string, count: string): string;
  /** Set the rows where `mask` ([n, 1]) holds to zero. */
  zeroRows(x: string, mask: string): string;
  /** x @ wᵀ. */
  matmulTransposed(x: string, w: string): string;
  /** A 0-d float32 array holding a Python float. */
  scalarF32(expr: string): string;
  /** A float32 array from a module-level tuple constant. */
  constant(name: string): string;
  /** Statements converting t to the request's dtype at the start (non-dynamic dialects); [] when nothing to do. */
  inputCast(x: string, dtype: FloatDtype): Stmt[];
  /** Statements rounding `x` to `dtype` in place, for the steps upstream computes in t's dtype. */
  roundTo(x: string, dtype: FloatDtype): string;
  /** Extra top-level helpers the function needs (numpy's bfloat16 rounding), given the function source. */
  helpers(code: string): string[][];
  /** The `module` form: the class wrapping the function. */
  moduleClass(spec: ModuleSpec): string[];
  /** Imports the class forms need, beyond the function's. */
  classImports(form: 'module' | 'mlp' | 'injection', code: string): string[];
  /** The `module+mlp` form's MLP class. */
  mlpClass(spec: MlpSpec): string[];
  /** The `injection` form's example block. */
  injectionBlock(spec: InjectionSpec): string[];
}
