"""STAND-IN for `mlx.nn`, used only to execute generated MLX modules without real MLX (see core.py).

Modelled: `Module` is a dict of its arrays and submodules (as in MLX); `parameters()` / `trainable_parameters()`
return them as nested dicts, skipping attributes whose name starts with `_` (MLX's rule, used for frozen buffers);
`freeze()`; `nn.Linear(input_dims, output_dims, bias=True)` with weight [out, in]; `nn.silu`, `nn.gelu` (exact erf),
`nn.relu`, `nn.mish`. NOT checked: MLX's initialiser distributions (seeded numpy draws), lazy
evaluation, `update()`/`load_weights()` semantics, compile. Unknown attributes raise AttributeError.
"""

import math as _math

import mlx.core as _mx
import numpy as _np
from mlx.core import _FW

_RNG = _np.random.default_rng(0)


class Module(dict):
    """mlx.nn.Module stand-in: a dict holding the module's arrays and submodules."""

    def __init__(self):
        super().__init__()
        object.__setattr__(self, "_frozen", set())

    def __setattr__(self, key, value):
        if isinstance(value, (_mx.array, Module, list, tuple, dict)):
            self[key] = value
        else:
            object.__setattr__(self, key, value)

    def __getattr__(self, key):
        if key in self:
            return self[key]
        raise AttributeError(
            f"stand-in mlx.nn: {type(self).__name__} has no attribute '{key}'"
        )

    def _tree(self, trainable_only):
        out = {}
        for key, value in self.items():
            if key.startswith("_"):
                continue
            if isinstance(value, Module):
                out[key] = value._tree(trainable_only)
            elif isinstance(value, _mx.array) and not (
                trainable_only and key in self._frozen
            ):
                out[key] = value
            elif isinstance(value, (list, tuple)):
                out[key] = [
                    v._tree(trainable_only) if isinstance(v, Module) else v
                    for v in value
                ]
        return out

    def parameters(self):
        return self._tree(False)

    def trainable_parameters(self):
        return self._tree(True)

    def children(self):
        return {k: v for k, v in self.items() if isinstance(v, Module)}

    def freeze(self, keys=None, recurse=True):
        names = [keys] if isinstance(keys, str) else keys
        for key, value in self.items():
            if isinstance(value, Module) and recurse and names is None:
                value.freeze()
            elif isinstance(value, _mx.array) and (names is None or key in names):
                self._frozen.add(key)
        return self

    def eval(self):
        return self

    def train(self, mode=True):
        return self


class Linear(Module):
    """nn.Linear(input_dims, output_dims, bias=True): weight [output_dims, input_dims], y = x @ weight.T + bias."""

    def __init__(self, input_dims, output_dims, bias=True):
        super().__init__()
        scale = _math.sqrt(1.0 / input_dims)
        self.weight = _mx.array(
            _RNG.uniform(-scale, scale, (output_dims, input_dims)).astype(_np.float32)
        )
        if bias:
            self.bias = _mx.array(
                _RNG.uniform(-scale, scale, (output_dims,)).astype(_np.float32)
            )

    def __call__(self, x):
        y = x @ self.weight.T
        return y + self.bias if "bias" in self else y


def _float_fn(x, fn):
    return _FW.float_fn(fn, x, "activation")


def silu(x):
    return x * _float_fn(x, lambda a: (1 / (1 + _np.exp(-a))).astype(a.dtype))


def relu(x):
    return _FW.binary(_np.maximum, x, 0.0, "maximum")


_erf = _np.vectorize(_math.erf, otypes=[_np.float64])


def gelu(x):
    return _float_fn(
        x, lambda a: (0.5 * a * (1 + _erf(a / _math.sqrt(2)))).astype(a.dtype)
    )


def mish(x):
    return x * _float_fn(x, lambda a: _np.tanh(_np.logaddexp(0, a)).astype(a.dtype))


def __getattr__(name):
    raise _FW.unknown("mlx.nn", name)
