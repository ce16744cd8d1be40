"""STAND-IN for `mlx.core` (imported as `mx`), used only to execute generated MLX code without real MLX.

`mx.array` wraps a numpy array. Python scalars take the array's dtype (weak typing), Python floats default to float32
and ints to int32, and float64 never appears. NOT checked: lazy evaluation, streams and devices, MLX's kernels and its
full promotion table. Names not defined here raise AttributeError.
"""

import math as _math

import numpy as _np
from _standin_array import Framework as _Framework
from _standin_array import NumpyLikeMethods as _NumpyLikeMethods
from _standin_array import StandinArray as _StandinArray
from _standin_array import cast as _cast
from _standin_array import make_dtypes as _make_dtypes
from _standin_array import shaped as _shaped
from _standin_array import where as _where


class _MLX(_Framework):
    name = "mlx"
    dtype_callable = False

    def public_dtype(self, dt):
        return self.dtypes[dt.name]


_FW = _MLX()


class array(
    _NumpyLikeMethods, _StandinArray
):  # noqa: N801  (mx.array is both the type and the constructor)
    """mx.array stand-in."""

    __slots__ = ()
    _fw = _FW

    def __init__(self, val, dtype=None):
        self._a = _FW.to_numpy(val, _FW.resolve_dtype(dtype))

    def item(self):
        return _np.asarray(self._a).item()

    def tolist(self):
        return _np.asarray(self._a).tolist()


_FW.array_type = array
_dtypes = _make_dtypes(
    _FW, ["float16", "bfloat16", "float32", "int32", "uint32", "bool"]
)
float16 = _dtypes["float16"]
bfloat16 = _dtypes["bfloat16"]
float32 = _dtypes["float32"]
int32 = _dtypes["int32"]
uint32 = _dtypes["uint32"]
bool_ = _dtypes["bool"]
Dtype = type(float32)
pi = _math.pi


def arange(start, stop=None, step=None, dtype=None):
    args = [
        float(v) if isinstance(v, array) else v
        for v in (start, stop, step)
        if v is not None
    ]
    if dtype is None:
        dt = _np.float32 if any(isinstance(v, float) for v in args) else _np.int32
    else:
        dt = _FW.resolve_dtype(dtype)
    return _FW.wrap(_np.arange(*args, dtype=dt))


def zeros(shape, dtype=None):
    return _FW.asarray(_np.zeros(shape, _np.float32), dtype or float32)


def exp(a):
    return _FW.float_fn(_np.exp, a, "exp")


def log(a):
    return _FW.float_fn(_np.log, a, "log")


def sin(a):
    return _FW.float_fn(_np.sin, a, "sin")


def cos(a):
    return _FW.float_fn(_np.cos, a, "cos")


def concatenate(arrays, axis=0):
    arrs, dt = _FW.joined(arrays, "concatenate")
    return _FW.wrap(_cast(_np.concatenate(arrs, axis=axis), dt))


def stack(arrays, axis=0):
    arrs, dt = _FW.joined(arrays, "stack")
    return _FW.wrap(_cast(_np.stack(arrs, axis=axis), dt))


def pad(a, pad_width, constant_values=0):
    if constant_values != 0:
        raise NotImplementedError("stand-in mx.pad supports zero padding only")
    return _shaped(_FW, _np.pad, a, pad_width)


def repeat(a, repeats, axis=None):
    return _shaped(_FW, _np.repeat, a, repeats, axis=axis)


def where(condition, x, y):
    return _where(_FW, condition, x, y)


def __getattr__(name):
    raise _FW.unknown("mlx.core", name)
