"""STAND-IN for `flax.linen` (imported as `nn`), used only to execute generated Flax modules without real flax.

Modelled: a `Module` subclass is a dataclass of its annotated fields (plus `name`); `@nn.compact` and `setup()`;
submodules named by attribute or as `ClassName_k`; `self.param` / `self.variable`; `init(rng, *args)` returning
`{"params": ...}` (plus any other collections) and `apply(variables, *args)`; `nn.Dense`; `nn.silu`, `nn.swish`,
`nn.gelu` (tanh approximation by default, as flax), `nn.relu`, `nn.softplus`; `nn.initializers.zeros` and
`lecun_normal`.

NOT checked: the real initialisers' distributions and jax's random streams (a seeded numpy generator is used),
mutability rules beyond "params are read-only in apply", lifted transforms, jit, dtype/param_dtype policies beyond
casting, and shape inference corner cases. Unknown attributes raise AttributeError.
"""

import dataclasses as _dataclasses
import functools as _functools
import math as _math

import jax.numpy as _jnp
import numpy as _np
from jax.numpy import _FW
from jax.random import _Key

_STACK = []  # modules whose __call__/setup is running, innermost last


class _Scope:
    """Where a bound module reads and writes its variables: the collections dict and a path into it."""

    def __init__(self, variables, path, mode, rng):
        self.variables = variables
        self.path = path
        self.mode = mode  # "init" or "apply"
        self.rng = rng

    def child(self, name):
        return _Scope(self.variables, self.path + (name,), self.mode, self.rng)

    def collection(self, col, create):
        node = (
            self.variables.setdefault(col, {})
            if create
            else self.variables.get(col, {})
        )
        for key in self.path:
            if create:
                node = node.setdefault(key, {})
            else:
                node = node.get(key, {})
        return node


class _Rng:
    """Stand-in PRNG stream: a seeded numpy generator, not jax's threefry."""

    def __init__(self, seed):
        self.gen = _np.random.default_rng(seed)


def _bind(module, parent, name):
    object.__setattr__(module, "_scope", parent._scope.child(name))
    object.__setattr__(module, "name", name)


class Module:
    """flax.linen.Module stand-in: subclasses become dataclasses; bound by init/apply, unbound otherwise."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__init__" in cls.__dict__:
            raise TypeError(
                f"{cls.__name__}: flax modules are dataclasses; they must not define __init__"
            )
        _dataclasses.dataclass(cls, eq=False, repr=False)
        field_init = cls.__init__

        def __init__(self, *args, name=None, parent=None, **kw):
            object.__setattr__(self, "_scope", None)
            object.__setattr__(self, "_counters", {})
            object.__setattr__(self, "_setup_done", False)
            object.__setattr__(self, "name", name)
            field_init(self, *args, **kw)
            owner = _STACK[-1] if _STACK else None
            if owner is not None and owner._scope is not None and name is not None:
                _bind(self, owner, name)
            elif (
                owner is not None and owner._scope is not None and not owner._in_setup()
            ):
                index = owner._counters.get(type(self).__name__, 0)
                owner._counters[type(self).__name__] = index + 1
                _bind(self, owner, f"{type(self).__name__}_{index}")

        cls.__init__ = __init__
        call = cls.__dict__.get("__call__")
        if call is not None and not getattr(call, "_standin_compact", False):
            cls.__call__ = _wrap_call(
                call
            )  # setup()-style: binding, setup and the module stack as well

    def _in_setup(self):
        return getattr(self, "_running_setup", False)

    def __setattr__(self, key, value):
        if isinstance(value, Module) and getattr(self, "_running_setup", False):
            _bind(value, self, key)
        object.__setattr__(self, key, value)

    def _ensure_setup(self):
        if not self._setup_done and self._scope is not None:
            object.__setattr__(self, "_setup_done", True)
            object.__setattr__(self, "_running_setup", True)
            _STACK.append(self)
            try:
                self.setup()
            finally:
                _STACK.pop()
                object.__setattr__(self, "_running_setup", False)

    def setup(self):
        pass

    # Variables -----------------------------------------------------------------------------------------------------
    def _require_bound(self, what):
        if self._scope is None:
            raise ValueError(
                f"{type(self).__name__}.{what}: unbound module; use init()/apply() (flax raises too)"
            )

    def param(self, name, init_fn, *init_args):
        self._require_bound("param")
        params = self._scope.collection("params", self._scope.mode == "init")
        if name not in params:
            if self._scope.mode != "init":
                raise KeyError(
                    f"stand-in flax: parameter {'/'.join(self._scope.path + (name,))} is not in the variables"
                )
            params[name] = _FW.asarray(init_fn(self._scope.rng, *init_args))
        return params[name]

    def variable(self, col, name, init_fn=None, *init_args):
        self._require_bound("variable")
        store = self._scope.collection(col, self._scope.mode == "init")
        if name not in store:
            if self._scope.mode != "init":
                raise KeyError(
                    f"stand-in flax: variable {col}/{'/'.join(self._scope.path + (name,))} is missing"
                )
            store[name] = _FW.asarray(init_fn(*init_args))
        return _Variable(store, name)

    # init / apply --------------------------------------------------------------------------------------------------
    def _run(self, variables, mode, rng, args, kwargs, method):
        clone = _dataclasses.replace(self)
        object.__setattr__(clone, "_scope", _Scope(variables, (), mode, rng))
        fn = (
            getattr(clone, method)
            if isinstance(method, str)
            else _functools.partial(method, clone)
        )
        return fn(*args, **kwargs)

    def init(self, rngs, *args, method="__call__", **kwargs):
        seed = rngs.seed if isinstance(rngs, _Key) else 0
        variables = {}
        self._run(variables, "init", _Rng(seed), args, kwargs, method)
        return variables

    def init_with_output(self, rngs, *args, method="__call__", **kwargs):
        seed = rngs.seed if isinstance(rngs, _Key) else 0
        variables = {}
        out = self._run(variables, "init", _Rng(seed), args, kwargs, method)
        return out, variables

    def apply(self, variables, *args, method="__call__", **kwargs):
        copied = {col: _deepcopy_tree(tree) for col, tree in variables.items()}
        return self._run(copied, "apply", _Rng(0), args, kwargs, method)


def _deepcopy_tree(tree):
    return (
        {k: _deepcopy_tree(v) for k, v in tree.items()}
        if isinstance(tree, dict)
        else tree
    )


class _Variable:
    def __init__(self, store, name):
        self._store, self._name = store, name

    @property
    def value(self):
        return self._store[self._name]

    @value.setter
    def value(self, new):
        self._store[self._name] = _FW.asarray(new)


def _wrap_call(fn):
    @_functools.wraps(fn)
    def wrapper(self, *args, **kwargs):
        self._require_bound(fn.__name__)
        self._ensure_setup()
        _STACK.append(self)
        try:
            return fn(self, *args, **kwargs)
        finally:
            _STACK.pop()

    return wrapper


def compact(fn):
    """@nn.compact: submodules and params may be declared inline in this method."""
    wrapped = _wrap_call(fn)
    wrapped._standin_compact = True
    return wrapped


# Initializers ------------------------------------------------------------------------------------------------------
class _Initializers:
    """nn.initializers stand-in: seeded numpy draws with the right shapes and scales, not jax's streams."""

    @staticmethod
    def zeros(rng, shape, dtype=_np.float32):
        return _np.zeros(shape, dtype)

    @staticmethod
    def lecun_normal():
        def init(rng, shape, dtype=_np.float32):
            return (rng.gen.standard_normal(shape) / _math.sqrt(shape[0])).astype(
                _np.float32
            )

        return init

    def __getattr__(self, name):
        raise _FW.unknown("flax.linen.initializers", name)


initializers = _Initializers()


class Dense(Module):
    """nn.Dense(features): kernel [in, features], y = x @ kernel + bias."""

    features: int
    use_bias: bool = True
    dtype: object = None
    param_dtype: object = _jnp.float32
    kernel_init: object = None
    bias_init: object = None

    @compact
    def __call__(self, inputs):
        kernel_init = self.kernel_init or initializers.lecun_normal()
        bias_init = self.bias_init or initializers.zeros
        kernel = self.param("kernel", kernel_init, (inputs.shape[-1], self.features))
        y = inputs @ kernel
        if self.use_bias:
            y = y + self.param("bias", bias_init, (self.features,))
        return y.astype(self.dtype) if self.dtype is not None else y


def _float_fn(x, fn):
    return _FW.float_fn(fn, x, "activation")


def silu(x):
    return x * _float_fn(x, lambda a: (1 / (1 + _np.exp(-a))).astype(a.dtype))


swish = silu


def relu(x):
    return _FW.binary(_np.maximum, x, 0.0, "max")


def softplus(x):
    return _float_fn(x, lambda a: _np.logaddexp(a.dtype.type(0), a))


_erf = _np.vectorize(_math.erf, otypes=[_np.float64])


def gelu(x, approximate=True):
    if approximate:
        k = _math.sqrt(2 / _math.pi)
        return _float_fn(
            x,
            lambda a: (0.5 * a * (1 + _np.tanh(k * (a + 0.044715 * a**3)))).astype(
                a.dtype
            ),
        )
    return _float_fn(
        x, lambda a: (0.5 * a * (1 + _erf(a / _math.sqrt(2)))).astype(a.dtype)
    )


def __getattr__(name):
    raise _FW.unknown("flax.linen", name)
