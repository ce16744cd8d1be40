/**
 * The programmatic entry (built to dist/core.js): presets, embed, cNoise, mlp, validate, generateCode.
 * Nothing here imports `vscode` or the DOM, so the extension host, the webview, the GPU engine and plain Node share it.
 */
export * from './types';
export { PRESETS, PRESETS as presets, findPreset, getPreset, widthParamName, withDefaults } from './presets';
export type { Preset, ParamSpec, ParamKind, PresetFamily } from './presets';
export { validate, resolveRequest, bufferSpec, outputWidth, MAX_WIDTH, MAX_OUTPUT_VALUES } from './params';
export type { ResolvedRequest, BufferSpec } from './params';
export { planEmbedding, admFrequencies } from './plan';
export type { EmbeddingPlan, Layout } from './plan';
export { embed, evaluatePlan, argumentAt, rowMaxAbsArgument } from './reference';
export { cNoise, validateCNoise, iddpmSigmaTable } from './cnoise';
export type { CNoiseRequest, Precond } from './cnoise';
export { mlp, validateMlp, activate, erf } from './mlp';
export type { MlpWeights } from './mlp';
export { INPUT_TRANSFORMS, applyInputTransform } from './inputTransforms';
export type { InputTransform, InputTransformId, TransformContext } from './inputTransforms';
export { f32, toBfloat16, toFloat16, roundToDtype } from './float';
export { seededNormal } from './seeded';
export { parseNpy, NpyError } from './npy';
export type { NpyArray } from './npy';
export * from './codegen/types';
export { generateCode, detectFramework } from './codegen/index';
export { fitToDocument } from './codegen/fitToDocument';
