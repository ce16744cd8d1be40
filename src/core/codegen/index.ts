/**
 * Code generation entry: `generateCode` validates and resolves a request, builds its recipe and renders Python with
 * one framework's dialect; `detectFramework` guesses the framework of a document from its imports.
 */
import { resolveRequest, validate } from '../params';
import type { EmbedRequest, Problem } from '../types';
import { ValidationError } from '../types';
import type { Dialect, MlpSpec, ModuleSpec } from './dialect';
import { functionDef } from './emitter';
import { jax } from './jax';
import { mlx } from './mlx';
import { numpy } from './numpy';
import { floatTuple, finishSource, joinTopLevel, renderBlock, stop } from './python';
import { pytorch } from './pytorch';
import { recipeFor, type Recipe } from './recipe';
import { tensorflow } from './tensorflow';
import { CODE_FORMS, FRAMEWORKS, type CodegenOptions, type Framework } from './types';

const DIALECTS: Record<Framework, Dialect> = { pytorch, numpy, jax, tensorflow, mlx };

const DEFAULT_FUNCTION_NAME = 'timestep_embedding';
const INJECTION_NAMES = { add: 'ResBlock', adagn: 'ResBlock', film: 'FiLMBlock', 'adaln-zero': 'DiTBlock' } as const;
const ACTIVATIONS = ['silu', 'gelu', 'mish', 'relu'];
const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield'.split(
    ' ',
  ),
);

/** Problems with the options (and the framework), with the option name as `param`. */
function optionProblems(framework: unknown, options: CodegenOptions): Problem[] {
  const problems: Problem[] = [];
  if (!FRAMEWORKS.includes(framework as Framework))
    problems.push({ param: 'framework', message: `framework must be one of ${FRAMEWORKS.join(', ')} (got ${String(framework)})` });
  if (options.form !== undefined && !CODE_FORMS.includes(options.form))
    problems.push({ param: 'form', message: `form must be one of ${CODE_FORMS.join(', ')} (got ${String(options.form)})` });
  if (options.name !== undefined && (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(options.name) || PY_KEYWORDS.has(options.name)))
    problems.push({ param: 'name', message: `name must be a Python identifier (got '${options.name}')` });
  if (options.hiddenDim !== undefined && !(Number.isInteger(options.hiddenDim) && options.hiddenDim >= 1))
    problems.push({ param: 'hiddenDim', message: `hiddenDim must be a positive integer (got ${options.hiddenDim})` });
  if (options.activation !== undefined && !ACTIVATIONS.includes(options.activation))
    problems.push({ param: 'activation', message: `activation must be one of ${ACTIVATIONS.join(', ')}` });
  if (options.injection !== undefined && !(options.injection in INJECTION_NAMES))
    problems.push({ param: 'injection', message: `injection must be one of ${Object.keys(INJECTION_NAMES).join(', ')}` });
  return problems;
}

/** Import block: `from __future__`, the standard library, then the framework, as isort groups them. */
function importBlock(code: string, d: Dialect, classForm: 'module' | 'mlp' | 'injection' | undefined): string[] {
  const groups: string[][] = [];
  if (/\w \| None/.test(code)) groups.push(['from __future__ import annotations']);
  if (/(?<![\w.])math\./.test(code)) groups.push(['import math']);
  const third = [...d.imports(code), ...(classForm ? d.classImports(classForm, code) : [])];
  groups.push(third);
  return groups.flatMap((g, i) => (i === 0 ? g : ['', ...g]));
}

/** Python source for the request in the framework and form the options ask for. Throws ValidationError on bad input. */
export function generateCode(request: EmbedRequest, framework: Framework, options: CodegenOptions = {}): string {
  const problems = [...validate(request), ...optionProblems(framework, options ?? {})];
  if (problems.length > 0) throw new ValidationError(problems);
  const recipe = recipeFor(resolveRequest(request));
  const d = DIALECTS[framework];
  const form = options.form ?? 'function';
  const chunks: string[][] = [];
  const fnName = form === 'function' ? stop(1, options.name ?? DEFAULT_FUNCTION_NAME) : DEFAULT_FUNCTION_NAME;
  const body = renderBlock([functionDef(recipe, d, fnName, form === 'function')]);
  chunks.push(...d.helpers(body.join('\n')));
  if (recipe.buffer) chunks.push(bufferConstant(recipe));
  chunks.push(body);
  if (form !== 'function') chunks.push(...classChunks(recipe, d, form, options));
  const source = chunks.map((c) => c.join('\n')).join('\n');
  const classForm = form === 'function' ? undefined : form === 'module+mlp' ? 'mlp' : form;
  const text = joinTopLevel([importBlock(source, d, classForm), ...chunks]);
  return finishSource(text, options.tabStops === true);
}

function bufferConstant(r: Recipe): string[] {
  const b = r.buffer!;
  const shape = b.shape.join(', ');
  const comment = `# ${b.name} [${shape}] in float32: the request's values (seeded stand-ins unless it carried the checkpoint's)`;
  return [comment, ...floatTuple(b.constName, b.values, b.shape.length === 2 ? b.shape[1] : undefined)];
}

function classChunks(r: Recipe, d: Dialect, form: 'module' | 'module+mlp' | 'injection', options: CodegenOptions): string[][] {
  const named = (fallback: string, isMain: boolean): string => (isMain ? stop(1, options.name ?? fallback) : fallback);
  const moduleSpec: ModuleSpec = {
    recipe: r,
    functionName: DEFAULT_FUNCTION_NAME,
    className: named(r.moduleName, form === 'module'),
  };
  const chunks = [d.moduleClass(moduleSpec)];
  if (form === 'module') return chunks;
  const mlpSpec: MlpSpec = {
    ...moduleSpec,
    className: named(r.mlp.className, form === 'module+mlp'),
    embedderClass: r.moduleName,
    hidden: options.hiddenDim ?? r.mlp.hidden,
    // k-diffusion's single projection has no activation to override.
    activation: r.mlp.activation === undefined ? undefined : (options.activation ?? r.mlp.activation),
  };
  chunks.push(d.mlpClass(mlpSpec));
  if (form === 'module+mlp') return chunks;
  const style = options.injection ?? 'add';
  chunks.push(
    d.injectionBlock({ ...mlpSpec, className: named(INJECTION_NAMES[style], true), style, mlpClass: r.mlp.className }),
  );
  return chunks;
}

/** The framework a document uses, from its imports; torch wins over numpy, numpy only when nothing else is imported. */
export function detectFramework(sourceText: string): Framework | undefined {
  const imported = (pattern: string): boolean =>
    new RegExp(`^\\s*(?:import\\s+(?:${pattern})\\b|from\\s+(?:${pattern})\\b[\\w.]*\\s+import\\b)`, 'm').test(sourceText);
  if (imported('torch')) return 'pytorch';
  if (imported('jax|flax')) return 'jax';
  if (imported('tensorflow|keras|tf_keras')) return 'tensorflow';
  if (imported('mlx')) return 'mlx';
  if (imported('numpy')) return 'numpy';
  return undefined;
}
