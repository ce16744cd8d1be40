// TensorFlow.js for the benchmark page only (dev dependency): core plus the WebGPU, WASM and CPU backends.
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

globalThis.tf = tf;
globalThis.setWasmPaths = setWasmPaths;
