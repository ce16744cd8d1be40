/** Types of the code generator: which framework, which form, and how the snippet is named. */

/** Target frameworks. `jax` renders jax.numpy functions and, for the module forms, a Flax linen module. */
export type Framework = 'pytorch' | 'numpy' | 'jax' | 'tensorflow' | 'mlx';

/** Every framework, in picker order. */
export const FRAMEWORKS: readonly Framework[] = ['pytorch', 'numpy', 'jax', 'tensorflow', 'mlx'];

/** Human labels for pickers. */
export const FRAMEWORK_LABELS: Readonly<Record<Framework, string>> = {
  pytorch: 'PyTorch',
  numpy: 'NumPy',
  jax: 'JAX / Flax',
  tensorflow: 'TensorFlow / Keras',
  mlx: 'MLX',
};

/** What shape the code takes. */
export type CodeForm = 'function' | 'module' | 'module+mlp' | 'injection';

/** Every form, in picker order. */
export const CODE_FORMS: readonly CodeForm[] = ['function', 'module', 'module+mlp', 'injection'];

/** Ways a time embedding conditions a block, for the `injection` form. */
export type InjectionStyle = 'add' | 'adagn' | 'film' | 'adaln-zero';

/** Activations of the Linear-act-Linear MLP (torch names). */
export type Activation = 'silu' | 'gelu' | 'mish' | 'relu';

/** Options for generateCode; everything has a default. */
export interface CodegenOptions {
  /** Default 'function'. */
  readonly form?: CodeForm;
  /** Name of the generated function (default `timestep_embedding`) or class (default from the preset). */
  readonly name?: string;
  /** For `module+mlp` and `injection`: hidden width of the MLP (default 4 × the embedding width). */
  readonly hiddenDim?: number;
  /** For `module+mlp`: activation between the two Linear layers (default the preset's upstream one). */
  readonly activation?: Activation;
  /** For `injection`: which conditioning pattern (default 'add'). */
  readonly injection?: InjectionStyle;
  /** Emit `${1:name}`-style tab stops for a VS Code SnippetString (default false: plain source). */
  readonly tabStops?: boolean;
}
