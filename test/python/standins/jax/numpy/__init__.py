"""STAND-IN for `jax.numpy`, used only to execute generated JAX code without real jax (see ../__init__.py).

Each function is one numpy operation on float32 data: Python scalars take the array's dtype (weak typing), Python
floats default to float32 and ints to int32 (jax with x64 disabled), float64 never appears, and bfloat16 is float32
storage rounded to bfloat16. NOT checked: jax's full promotion lattice, jit, devices, sharding. Names not defined
here raise AttributeError.
"""

import math as _math

import numpy as _np
from _standin_array import Framework as _Framework
from _standin_array import NumpyLikeMethods as _NumpyLikeMethods
from _standin_array import StandinArray as _StandinArray
from _standin_array import make_dtypes as _make_dtypes
from _standin_array import shaped as _shaped
from _standin_array import where as _where


class _Jax(_Framework):
    name = "jax"


_FW = _Jax()


class Array(_NumpyLikeMethods, _StandinArray):
    """jax.Array stand-in: immutable, numpy underneath."""

    __slots__ = ()
    _fw = _FW


_FW.array_type = Array
_dtypes = _make_dtypes(
    _FW, ["float16", "bfloat16", "float32", "int32", "uint32", "bool"]
)
float16 = _dtypes["float16"]
bfloat16 = _dtypes["bfloat16"]
float32 = _dtypes["float32"]
int32 = _dtypes["int32"]
uint32 = _dtypes["uint32"]
bool_ = _dtypes["bool"]
pi = _math.pi
ndarray = Array


def asarray(a, dtype=None):
    return _FW.asarray(a, dtype)


def array(a, dtype=None):
    return _FW.asarray(a, dtype)


def arange(start, stop=None, step=None, dtype=None):
    args = [
        float(v) if isinstance(v, Array) else v
        for v in (start, stop, step)
        if v is not None
    ]
    if dtype is None:
        dt = _np.float32 if any(isinstance(v, float) for v in args) else _np.int32
    else:
        dt = _FW.resolve_dtype(dtype)
    return _FW.wrap(_np.arange(*args, dtype=dt))


def exp(x):
    return _FW.float_fn(_np.exp, x, "exp")


def log(x):
    return _FW.float_fn(_np.log, x, "log")


def sin(x):
    return _FW.float_fn(_np.sin, x, "sin")


def cos(x):
    return _FW.float_fn(_np.cos, x, "cos")


def tanh(x):
    return _FW.float_fn(_np.tanh, x, "tanh")


def concatenate(arrays, axis=0):
    arrs, dt = _FW.joined(arrays, "concatenate")
    return _FW.asarray(_np.concatenate(arrs, axis=axis), _dtype_of(dt))


def stack(arrays, axis=0):
    arrs, dt = _FW.joined(arrays, "stack")
    return _FW.asarray(_np.stack(arrs, axis=axis), _dtype_of(dt))


def _dtype_of(logical):
    return next(d for d in _dtypes.values() if d == logical)


def pad(array, pad_width, mode="constant", constant_values=0):
    if mode != "constant" or constant_values != 0:
        raise NotImplementedError(
            "stand-in jnp.pad supports zero padding (mode='constant') only"
        )
    return _shaped(_FW, _np.pad, array, pad_width)


def repeat(a, repeats, axis=None):
    return _shaped(_FW, _np.repeat, a, repeats, axis=axis)


def where(condition, x, y):
    return _where(_FW, condition, x, y)


def __getattr__(name):
    raise _FW.unknown("jax.numpy", name)
