"""STAND-IN for `tensorflow`, used only to execute Timestep Lens' generated TensorFlow code where TF cannot be installed.

It is numpy underneath (see ../_standin_array.py). It models what decides the numbers and what breaks real TF code:
Python scalars are converted to the tensor's dtype (a float scalar next to an int tensor is an error), two tensors of
different dtypes in one op are an error (TF never promotes), int32 / int32 true division gives float64, and sin/exp/log
of an integer tensor is an error. It does NOT check graph mode or tf.function tracing, device placement, the real
Keras initialisers, or TF's own kernels (numpy's float32 sin/cos/exp are used). Unknown attributes raise AttributeError.
"""

import builtins as _builtins
import math as _math
import types as _types

import numpy as _np
from _standin_array import BFLOAT16 as _BF16
from _standin_array import Framework as _Framework
from _standin_array import StandinArray as _StandinArray
from _standin_array import cast as _cast
from _standin_array import logical_dtype as _logical_dtype
from _standin_array import make_dtypes as _make_dtypes
from _standin_array import same_dtype as _same_dtype
from _standin_array import shaped as _shaped
from _standin_array import where as _where


class _TF(_Framework):
    name = "tensorflow"
    dtype_callable = False

    def public_dtype(self, dt):
        return self.dtypes[dt.name]

    def canonical(self, dt):
        if dt is not _BF16 and dt.kind not in "biuf":
            raise TypeError(
                f"stand-in tensorflow: dtype {dt} is not supported by the stand-in"
            )
        return dt  # TF keeps float64 and int64

    def scalar_dtype(self, value, other):
        if isinstance(value, _builtins.bool):
            if other.kind != "b":
                raise TypeError(
                    f"Cannot convert {value!r} to EagerTensor of dtype {other.name}"
                )
            return other
        if (
            isinstance(value, float)
            and other.kind != "f"
            and not float(value).is_integer()
        ):
            raise TypeError(
                f"Cannot convert {value!r} to EagerTensor of dtype {other.name}"
            )
        if other.kind == "b":
            raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype bool")
        return other

    def join(self, a, b, op):
        if not _same_dtype(a, b):
            raise TypeError(
                f"InvalidArgumentError (stand-in): cannot compute {op} as input #1 was expected to be a {a.name} "
                f"tensor but is a {b.name} tensor (TensorFlow does not promote dtypes)"
            )
        return a

    def true_divide_dtype(self, dt):
        if dt.kind == "f":
            return dt
        return _np.dtype(_np.float64 if dt.itemsize >= 4 else _np.float32)

    def float_fn_dtype(self, dt, fname):
        if dt.kind != "f":
            raise TypeError(
                f"InvalidArgumentError (stand-in): {fname} is not defined for {dt.name} tensors"
            )
        return dt


_FW = _TF()


class Tensor(_StandinArray):
    """tf.Tensor (EagerTensor) stand-in: no numpy-style methods (no astype, reshape or .T), like the real one."""

    __slots__ = ()
    _fw = _FW

    def numpy(self):
        return (
            _np.array(self._a, dtype=_np.float32)
            if self.dtype == bfloat16
            else _np.array(self._a)
        )


_FW.array_type = Tensor
_dtypes = _make_dtypes(
    _FW, ["float16", "bfloat16", "float32", "float64", "int32", "int64", "bool"]
)
float16 = _dtypes["float16"]
bfloat16 = _dtypes["bfloat16"]
float32 = _dtypes["float32"]
float64 = _dtypes["float64"]
int32 = _dtypes["int32"]
int64 = _dtypes["int64"]
bool = _dtypes["bool"]  # noqa: A001  (tf.bool)
DType = type(float32)
newaxis = None


def constant(value, dtype=None):
    return _FW.asarray(value, dtype)


def cast(x, dtype):
    return _FW.wrap(_cast(_FW.to_numpy(x), _FW.resolve_dtype(dtype)))


def range(start, limit=None, delta=1, dtype=None):  # noqa: A001  (tf.range)
    if limit is None:
        start, limit = 0, start
    args = [float(v) if isinstance(v, Tensor) else v for v in (start, limit, delta)]
    if dtype is None:
        dt = _np.float32 if any(isinstance(v, float) for v in args) else _np.int32
    else:
        dt = _FW.resolve_dtype(dtype)
    return _FW.wrap(_np.arange(*args, dtype=dt))


def zeros(shape, dtype=None):
    return cast(_np.zeros(shape, _np.float32), dtype or float32)


def zeros_like(input, dtype=None):  # noqa: A002  (tf's argument name)
    return cast(_np.zeros(input.shape, _np.float32), dtype or input.dtype)


def reshape(tensor, shape):
    return _shaped(_FW, _np.reshape, tensor, shape)


def expand_dims(input, axis):  # noqa: A002
    return _shaped(_FW, _np.expand_dims, input, axis)


def repeat(input, repeats, axis=None):  # noqa: A002
    return _shaped(_FW, _np.repeat, input, repeats, axis=axis)


def concat(values, axis):
    arrs, dt = _FW.joined(values, "ConcatV2")
    return _FW.wrap(_cast(_np.concatenate(arrs, axis=axis), dt))


def stack(values, axis=0):
    arrs, dt = _FW.joined(values, "Pack")
    return _FW.wrap(_cast(_np.stack(arrs, axis=axis), dt))


def pad(tensor, paddings, mode="CONSTANT", constant_values=0):
    if mode.upper() != "CONSTANT" or constant_values != 0:
        raise NotImplementedError(
            "stand-in tf.pad supports zero padding (mode='CONSTANT') only"
        )
    return _shaped(_FW, _np.pad, tensor, _np.asarray(paddings))


def where(condition, x, y):
    return _where(_FW, condition, x, y)


def gather(params, indices, axis=None):
    idx = _np.asarray(_FW.to_numpy(indices))
    if idx.dtype.kind not in "iu":
        raise TypeError(
            f"InvalidArgumentError (stand-in): gather indices must be int32/int64, got {idx.dtype.name}"
        )
    return _shaped(_FW, _np.take, params, idx, axis=axis or 0)


def exp(x):
    return _FW.float_fn(_np.exp, x, "Exp")


def log(x):
    return _FW.float_fn(_np.log, x, "Log")


def sin(x):
    return _FW.float_fn(_np.sin, x, "Sin")


def cos(x):
    return _FW.float_fn(_np.cos, x, "Cos")


def maximum(x, y):
    return _FW.binary(_np.maximum, x, y, "Maximum")


def matmul(a, b, transpose_a=False, transpose_b=False):
    if transpose_a:
        a = _shaped(_FW, _np.swapaxes, a, -1, -2)
    if transpose_b:
        b = _shaped(_FW, _np.swapaxes, b, -1, -2)
    return _FW.binary(_np.matmul, a, b, "MatMul")


class Variable(Tensor):
    """tf.Variable stand-in: a tensor whose value can be assigned."""

    __slots__ = ("trainable", "name")

    def __init__(self, initial_value, trainable=True, name=None, dtype=None):
        self._a = _FW.to_numpy(initial_value, _FW.resolve_dtype(dtype))
        self.trainable = trainable
        self.name = name

    def assign(self, value):
        self._a = _cast(_FW.to_numpy(value), _logical_dtype(self._a))
        return self


def _namespace(name, **members):
    module = _types.ModuleType(name, f"Stand-in {name} (see tensorflow/__init__.py).")
    module.__dict__.update(members)

    def missing(attr):
        raise _FW.unknown(name, attr)

    module.__getattr__ = missing
    return module


def _tanh(x):
    return _FW.float_fn(_np.tanh, x, "Tanh")


def _softplus(x):
    return _FW.float_fn(lambda a: _np.logaddexp(a.dtype.type(0), a), x, "Softplus")


math = _namespace(
    "tensorflow.math",
    exp=exp,
    log=log,
    sin=sin,
    cos=cos,
    maximum=maximum,
    tanh=_tanh,
    softplus=_softplus,
)


def _sigmoid(x):
    return _FW.float_fn(lambda a: (1 / (1 + _np.exp(-a))).astype(a.dtype), x, "Sigmoid")


def _silu(x):
    return x * _sigmoid(x)


_erf = _np.vectorize(_math.erf, otypes=[_np.float64])


def _gelu(x, approximate=False):
    if approximate:
        k = _math.sqrt(2 / _math.pi)
        return _FW.float_fn(
            lambda a: (0.5 * a * (1 + _np.tanh(k * (a + 0.044715 * a**3)))).astype(
                a.dtype
            ),
            x,
            "Gelu",
        )
    return _FW.float_fn(
        lambda a: (0.5 * a * (1 + _erf(a / _math.sqrt(2)))).astype(a.dtype), x, "Gelu"
    )


def _relu(x):
    return _FW.binary(_np.maximum, x, 0.0, "Relu")


def _mish(x):
    return x * _FW.float_fn(
        lambda a: _np.tanh(_np.logaddexp(0, a)).astype(a.dtype), x, "Mish"
    )


nn = _namespace(
    "tensorflow.nn", silu=_silu, swish=_silu, gelu=_gelu, relu=_relu, sigmoid=_sigmoid
)
math.sigmoid = _sigmoid

# Keras ---------------------------------------------------------------------------------------------------------------
_RNG = _np.random.default_rng(0)


class _Constant:
    """tf.constant_initializer / keras.initializers.Constant."""

    def __init__(self, value=0):
        self.value = value

    def __call__(self, shape, dtype=None):
        return _np.broadcast_to(_np.asarray(self.value, _np.float32), shape).copy()


def _initializer(spec):
    if spec is None or spec == "glorot_uniform":

        def glorot(shape, dtype=None):
            limit = _math.sqrt(6 / (shape[0] + shape[-1])) if len(shape) > 1 else 0.05
            return _RNG.uniform(-limit, limit, shape).astype(_np.float32)

        return glorot
    if spec == "zeros":
        return lambda shape, dtype=None: _np.zeros(shape, _np.float32)
    if spec == "ones":
        return lambda shape, dtype=None: _np.ones(shape, _np.float32)
    if callable(spec):
        return spec
    raise ValueError(f"stand-in keras: unknown initializer {spec!r}")


class Layer:
    """keras.layers.Layer stand-in: build() on first call, then call(); add_weight; weights of tracked sublayers."""

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        if kwargs:
            raise TypeError(
                f"stand-in keras Layer: unexpected keyword arguments {sorted(kwargs)}"
            )
        self.trainable = trainable
        self.name = name or type(self).__name__.lower()
        self.built = False
        self._own_weights = []

    def add_weight(
        self, name=None, shape=None, dtype=None, initializer=None, trainable=True
    ):
        value = _initializer(initializer)(tuple(shape or ()), dtype)
        variable = Variable(
            value, trainable=trainable, name=name, dtype=dtype or float32
        )
        self._own_weights.append(variable)
        return variable

    def build(self, input_shape):
        self.built = True

    def __call__(self, inputs, *args, **kwargs):
        if not self.built:
            self.build(inputs.shape if hasattr(inputs, "shape") else None)
            self.built = True
        return self.call(inputs, *args, **kwargs)

    def _sublayers(self):
        for value in vars(self).values():
            if isinstance(value, Layer):
                yield value
            elif isinstance(value, (list, tuple)):
                yield from (v for v in value if isinstance(v, Layer))

    @property
    def weights(self):
        out = list(self._own_weights)
        for layer in self._sublayers():
            out.extend(layer.weights)
        return out

    @property
    def trainable_weights(self):
        return [w for w in self.weights if w.trainable]

    @property
    def non_trainable_weights(self):
        return [w for w in self.weights if not w.trainable]

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable}


def _activation(spec):
    table = {
        None: None,
        "linear": None,
        "silu": _silu,
        "swish": _silu,
        "gelu": _gelu,
        "relu": _relu,
        "mish": _mish,
    }
    if callable(spec):
        return spec
    if spec not in table:
        raise ValueError(f"stand-in keras: unknown activation {spec!r}")
    return table[spec]


class Dense(Layer):
    """keras.layers.Dense(units, activation=None, use_bias=True): kernel [in, units]."""

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = units
        self.activation = _activation(activation)
        self.use_bias = use_bias
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    def build(self, input_shape):
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_shape[-1], self.units),
            initializer=self._kernel_initializer,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias", shape=(self.units,), initializer=self._bias_initializer
            )
        self.built = True

    def call(self, inputs):
        y = matmul(inputs, self.kernel)
        if self.use_bias:
            y = y + self.bias
        return self.activation(y) if self.activation else y


keras = _namespace(
    "tensorflow.keras",
    layers=_namespace("tensorflow.keras.layers", Layer=Layer, Dense=Dense),
    initializers=_namespace("tensorflow.keras.initializers", Constant=_Constant),
    activations=_namespace(
        "tensorflow.keras.activations",
        silu=_silu,
        swish=_silu,
        gelu=_gelu,
        relu=_relu,
        mish=_mish,
    ),
)
constant_initializer = _Constant


def __getattr__(name):
    raise _FW.unknown("tensorflow", name)
