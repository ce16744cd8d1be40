"""Shared numpy core of the framework STAND-INS in this directory (jax, flax, tensorflow, mlx).

These are NOT the real frameworks. They exist only so that test/unit/codegenExec.test.ts can execute the code Timestep
Lens generates for frameworks that cannot be installed on the test machine, and compare its numbers with the float32
reference. Every array is a numpy array underneath; every operation is one numpy float32 (or float16) operation.

What the stand-ins model, because the numbers depend on it:
- a Python scalar meeting a float32 array is rounded to float32 first (the weak-type rule of jax and mlx, and the
  tensor conversion of TensorFlow), so nothing is silently computed in float64 the way numpy scalars would be;
- the default dtypes of the real frameworks (float32 for Python floats, int32 for Python ints and integer ranges);
- bfloat16, which numpy lacks: stored as float32 values rounded to bfloat16 (nearest, ties to even) after every op;
- TensorFlow's refusal to mix dtypes in one op and its int32 / int32 -> float64 true division;
- unknown names raise AttributeError (module attributes and array methods alike), so generated code that calls
  something the stand-in does not implement fails loudly instead of returning a plausible wrong value.

What they do NOT check: the real promotion tables beyond the cases above, jit tracing and static arguments, device
placement, shape polymorphism, gradients, the real parameter initialisers and random number streams, and the real
numerical kernels (numpy's float32 sin/cos/exp are used; the real frameworks' may differ by an ulp or two).
"""

from __future__ import annotations

import numbers

import numpy as np

_ERRSTATE = dict(all="ignore")  # the real frameworks return inf/NaN silently


# ── bfloat16 ────────────────────────────────────────────────────────────────────────────────────────────────────────


class _BFloat16:
    """The logical dtype bfloat16. numpy has none, so such arrays hold float32 values rounded to bfloat16."""

    name = "bfloat16"
    kind = "f"
    itemsize = 2

    def __eq__(self, other):
        return other is self or (isinstance(other, DType) and other.np is self)

    def __hash__(self):
        return hash("bfloat16")

    def __repr__(self):
        return "bfloat16"


BFLOAT16 = _BFloat16()


class _BF16Storage(np.ndarray):
    """float32 storage of a bfloat16 array; every value is already a bfloat16 value."""


def _round_bf16(values: np.ndarray) -> np.ndarray:
    f = np.asarray(values, dtype=np.float32)
    bits = f.view(np.uint32).astype(np.uint64)
    u = np.uint64
    rounded = (
        ((bits + u(0x7FFF) + ((bits >> u(16)) & u(1))) & u(0xFFFF0000))
        .astype(np.uint32)
        .view(np.float32)
    )
    return np.where(
        np.isnan(f), f, rounded
    )  # NaN stays NaN (the carry could turn its payload into inf)


def logical_dtype(arr: np.ndarray):
    """The dtype the framework would report: BFLOAT16 for bfloat16 storage, the numpy dtype otherwise."""
    return BFLOAT16 if isinstance(arr, _BF16Storage) else arr.dtype


def cast(arr, dt) -> np.ndarray:
    """arr converted to the logical dtype dt (a numpy dtype or BFLOAT16)."""
    arr = np.asarray(arr)  # drops bfloat16 storage: its float32 values are exact
    if dt is BFLOAT16:
        return np.asarray(_round_bf16(arr)).view(_BF16Storage)
    return arr.astype(dt, copy=False)


def same_dtype(a, b) -> bool:
    if a is BFLOAT16 or b is BFLOAT16:
        return a is b
    return a == b


# ── dtypes ──────────────────────────────────────────────────────────────────────────────────────────────────────────


class DType:
    """A framework dtype object (jnp.float32, tf.float32, mx.float32) backed by a numpy dtype or BFLOAT16."""

    def __init__(self, name: str, logical, framework: "Framework"):
        self.name = name
        self.np = logical if logical is BFLOAT16 else np.dtype(logical)
        self._framework = framework

    # np.dtype(obj) reads `.dtype`, so np.dtype(jnp.float32) works as it does with the real jax.
    @property
    def dtype(self):
        if self.np is BFLOAT16:
            raise TypeError("stand-in: numpy has no bfloat16 dtype")
        return self.np

    @property
    def as_numpy_dtype(self):  # tf.DType.as_numpy_dtype
        return self.dtype.type

    @property
    def is_floating(self) -> bool:  # tf.DType.is_floating
        return self.np.kind == "f"

    @property
    def size(self) -> int:  # mx.Dtype.size
        return self.np.itemsize

    def __call__(self, value):
        """jnp.float32(x) casts; tf and mlx dtypes are not callable."""
        if not self._framework.dtype_callable:
            raise TypeError(
                f"stand-in {self._framework.name}: '{self.name}' is not callable in the real framework"
            )
        return self._framework.asarray(value, dtype=self)

    def __eq__(self, other):
        try:
            return same_dtype(self.np, _logical(other))
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.name)

    def __repr__(self):
        return f"{self._framework.name}.{self.name}"


def _logical(value):
    if isinstance(value, DType):
        return value.np
    if value is BFLOAT16:
        return value
    if isinstance(value, (str, np.dtype)) or (
        isinstance(value, type) and issubclass(value, np.generic)
    ):
        return np.dtype(value)
    raise TypeError(f"not a dtype: {value!r}")


def _kind_rank(dt) -> int:
    return {"b": 0, "u": 1, "i": 1, "f": 2}.get(dt.kind, 3)


def _is_arraylike(value) -> bool:
    return isinstance(value, (StandinArray, np.ndarray, list, tuple))


# ── frameworks ──────────────────────────────────────────────────────────────────────────────────────────────────────


class Framework:
    """Promotion and default-dtype rules of one framework. The jax rules are the base; tf and mlx override."""

    name = "framework"
    array_type: type = None  # set by each package
    dtype_callable = True

    def __init__(self):
        self.dtypes: dict[str, DType] = {}

    def public_dtype(self, dt):
        """What `array.dtype` returns: jax returns numpy dtypes, tf and mlx their own DType objects."""
        return self.dtypes["bfloat16"] if dt is BFLOAT16 else dt

    def resolve_dtype(self, dtype):
        """A dtype argument as a logical dtype (None stays None)."""
        if dtype is None:
            return None
        if isinstance(dtype, DType):
            if dtype._framework is not self:
                raise TypeError(
                    f"stand-in {self.name}: dtype {dtype!r} belongs to another framework"
                )
            return dtype.np
        if self.name in ("tensorflow", "mlx"):
            raise TypeError(
                f"stand-in {self.name}: expected a {self.name} dtype, got {dtype!r}"
            )
        return self.canonical(np.dtype(dtype))

    def canonical(self, dt):
        """jax without x64 (and mlx) have no float64/int64: they become float32/int32."""
        if dt is BFLOAT16:
            return dt
        if dt == np.float64:
            return np.dtype(np.float32)
        if dt == np.int64:
            return np.dtype(np.int32)
        if dt == np.uint64:
            return np.dtype(np.uint32)
        if dt.kind not in "biuf":
            raise TypeError(
                f"stand-in {self.name}: dtype {dt} is not supported by the stand-in"
            )
        return dt

    def from_python(self, value, dtype) -> np.ndarray:
        """Python scalars and nested lists: floats -> float32, ints -> int32, bools -> bool."""
        arr = np.asarray(value)
        if dtype is not None:
            return cast(arr, dtype)
        if arr.dtype.kind == "f":
            return arr.astype(np.float32)
        if arr.dtype.kind in "iu":
            return arr.astype(np.int32)
        if arr.dtype.kind == "b":
            return arr
        raise TypeError(f"stand-in {self.name}: cannot make an array from {value!r}")

    def to_numpy(self, value, dtype=None) -> np.ndarray:
        """Any accepted input as a numpy array (bfloat16 storage kept), converted to dtype when given."""
        if isinstance(value, StandinArray):
            if value._fw is not self:
                raise TypeError(
                    f"stand-in {self.name}: got an array of stand-in {value._fw.name}"
                )
            arr = value._a
        elif isinstance(value, (np.ndarray, np.generic)):
            arr = np.asarray(value)
            if dtype is None:
                arr = cast(arr, self.canonical(arr.dtype))
        elif isinstance(value, (bool, numbers.Number, list, tuple)):
            if isinstance(value, (list, tuple)) and any(
                isinstance(v, StandinArray) for v in value
            ):
                value = [self.to_numpy(v) for v in value]
            return self.from_python(value, dtype)
        else:
            raise TypeError(
                f"stand-in {self.name}: cannot convert {type(value).__name__} to an array"
            )
        return arr if dtype is None else cast(arr, dtype)

    def wrap(self, arr) -> "StandinArray":
        if not isinstance(arr, _BF16Storage):
            arr = np.asarray(arr)
            if arr.dtype == np.float64 and self.name != "tensorflow":
                raise AssertionError(
                    f"stand-in {self.name} produced float64: a stand-in bug"
                )
        return self.array_type._from_numpy(arr)

    def asarray(self, value, dtype=None) -> "StandinArray":
        return self.wrap(self.to_numpy(value, self.resolve_dtype(dtype)))

    # -- promotion -------------------------------------------------------------------------------------------------

    def scalar_dtype(self, value, other):
        """The dtype a Python scalar takes next to an array of dtype `other` (weak typing)."""
        if isinstance(value, bool):
            return other
        if isinstance(value, numbers.Integral):
            return np.dtype(np.int32) if other.kind == "b" else other
        if isinstance(value, numbers.Real):
            return other if other.kind == "f" else np.dtype(np.float32)
        raise TypeError(f"stand-in {self.name}: unsupported scalar {value!r}")

    def join(self, a, b, op: str):
        """Result dtype of a binary op on two arrays (jax lattice: int op float -> the float; widths widen)."""
        if same_dtype(a, b):
            return a
        ra, rb = _kind_rank(a), _kind_rank(b)
        if ra != rb:
            return a if ra > rb else b
        if (
            a is BFLOAT16 or b is BFLOAT16
        ):  # bfloat16 with float16 or float32: float32 (jax and mlx)
            other = b if a is BFLOAT16 else a
            return other if other.itemsize >= 4 else np.dtype(np.float32)
        return self.canonical(np.promote_types(a, b))

    def true_divide_dtype(self, dt):
        return dt if dt.kind == "f" else np.dtype(np.float32)

    def float_fn_dtype(self, dt, fname: str):
        """Result dtype of sin/cos/exp/log/... on an array of dtype dt."""
        return dt if dt.kind == "f" else np.dtype(np.float32)

    # -- operations shared by the packages ---------------------------------------------------------------------------

    def operands(self, x, y, op: str):
        """Both operands as numpy arrays of the common logical dtype, and that dtype."""
        if _is_arraylike(x) and not _is_arraylike(y):
            xa = self.to_numpy(x)
            dt = self.join(
                logical_dtype(xa), self.scalar_dtype(y, logical_dtype(xa)), op
            )
            return cast(xa, dt), cast(np.asarray(y), dt), dt
        if _is_arraylike(y) and not _is_arraylike(x):
            ya, xa, dt = self.operands(y, x, op)
            return xa, ya, dt
        if not _is_arraylike(x) and not _is_arraylike(y):
            xa, ya = self.from_python(x, None), self.from_python(y, None)
        else:
            xa, ya = self.to_numpy(x), self.to_numpy(y)
        dt = self.join(logical_dtype(xa), logical_dtype(ya), op)
        return cast(xa, dt), cast(ya, dt), dt

    def binary(self, npfunc, x, y, op: str) -> "StandinArray":
        xa, ya, dt = self.operands(x, y, op)
        if op == "truediv":
            dt = self.true_divide_dtype(dt)
            xa, ya = cast(xa, dt), cast(ya, dt)
        with np.errstate(**_ERRSTATE):
            out = npfunc(np.asarray(xa), np.asarray(ya))
        if op in ("lt", "le", "gt", "ge", "eq", "ne"):
            return self.wrap(out)
        return self.wrap(cast(out, dt))

    def float_fn(self, npfunc, x, fname: str) -> "StandinArray":
        xa = self.to_numpy(x)
        dt = self.float_fn_dtype(logical_dtype(xa), fname)
        with np.errstate(**_ERRSTATE):
            out = npfunc(np.asarray(cast(xa, np.float32 if dt is BFLOAT16 else dt)))
        return self.wrap(cast(out, dt))

    def joined(self, arrays, op: str):
        """Arrays for concatenate/stack, converted to their common dtype, and that dtype."""
        arrs = [self.to_numpy(a) for a in arrays]
        dt = logical_dtype(arrs[0])
        for a in arrs[1:]:
            dt = self.join(dt, logical_dtype(a), op)
        return [np.asarray(cast(a, dt)) for a in arrs], dt

    def unknown(self, module: str, name: str):
        return AttributeError(
            f"stand-in module '{module}' has no attribute '{name}': the stand-in implements only what generated code "
            f"has called so far (test/python/standins). Add it there if the real framework has it."
        )


def _index(fw: Framework, key):
    if isinstance(key, tuple):
        return tuple(_index(fw, k) for k in key)
    if isinstance(key, StandinArray):
        return np.asarray(fw.to_numpy(key))
    return key


class StandinArray:
    """A framework array: a numpy array plus the framework whose promotion rules apply. Unknown attributes raise.

    Only what every framework's array has lives here (operators, dtype, shape, indexing); methods that exist in some
    frameworks only (`astype`, `reshape`, `.T`: not on tf.Tensor) are added by the package that has them.
    """

    __slots__ = ("_a",)
    _fw: Framework = None  # set by each subclass
    __array_ufunc__ = None  # numpy must defer to our reflected operators, never compute in float64 behind our back

    @classmethod
    def _from_numpy(cls, arr: np.ndarray) -> "StandinArray":
        obj = object.__new__(cls)
        obj._a = arr
        return obj

    # Read-only views and conversions ------------------------------------------------------------------------------
    @property
    def dtype(self):
        return self._fw.public_dtype(logical_dtype(self._a))

    @property
    def shape(self):
        return tuple(self._a.shape)

    @property
    def ndim(self) -> int:
        return self._a.ndim

    def __array__(self, dtype=None):
        arr = np.asarray(self._a)
        return arr if dtype is None else arr.astype(dtype)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (self[k] for k in range(len(self._a)))

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __index__(self):
        if self._a.dtype.kind not in "iu":
            raise TypeError("only integer arrays can be used as an index")
        return int(self._a)

    def __bool__(self):
        return bool(self._a)

    def __repr__(self):
        return f"{self._fw.name}-standin.array({np.asarray(self._a)!r}, dtype={logical_dtype(self._a)})"

    def __getitem__(self, key):
        return self._fw.wrap(
            cast(np.asarray(self._a)[_index(self._fw, key)], logical_dtype(self._a))
        )

    # Arithmetic ---------------------------------------------------------------------------------------------------
    def __add__(self, o):
        return self._fw.binary(np.add, self, o, "add")

    def __radd__(self, o):
        return self._fw.binary(np.add, o, self, "add")

    def __sub__(self, o):
        return self._fw.binary(np.subtract, self, o, "sub")

    def __rsub__(self, o):
        return self._fw.binary(np.subtract, o, self, "sub")

    def __mul__(self, o):
        return self._fw.binary(np.multiply, self, o, "mul")

    def __rmul__(self, o):
        return self._fw.binary(np.multiply, o, self, "mul")

    def __truediv__(self, o):
        return self._fw.binary(np.true_divide, self, o, "truediv")

    def __rtruediv__(self, o):
        return self._fw.binary(np.true_divide, o, self, "truediv")

    def __floordiv__(self, o):
        return self._fw.binary(np.floor_divide, self, o, "floordiv")

    def __rfloordiv__(self, o):
        return self._fw.binary(np.floor_divide, o, self, "floordiv")

    def __mod__(self, o):
        return self._fw.binary(np.mod, self, o, "mod")

    def __pow__(self, o):
        return self._fw.binary(np.power, self, o, "pow")

    def __rpow__(self, o):
        return self._fw.binary(np.power, o, self, "pow")

    def __matmul__(self, o):
        return self._fw.binary(np.matmul, self, o, "matmul")

    def __rmatmul__(self, o):
        return self._fw.binary(np.matmul, o, self, "matmul")

    def __neg__(self):
        return self._fw.wrap(
            cast(np.negative(np.asarray(self._a)), logical_dtype(self._a))
        )

    def __pos__(self):
        return self

    def __abs__(self):
        return self._fw.wrap(cast(np.abs(np.asarray(self._a)), logical_dtype(self._a)))

    def __lt__(self, o):
        return self._fw.binary(np.less, self, o, "lt")

    def __le__(self, o):
        return self._fw.binary(np.less_equal, self, o, "le")

    def __gt__(self, o):
        return self._fw.binary(np.greater, self, o, "gt")

    def __ge__(self, o):
        return self._fw.binary(np.greater_equal, self, o, "ge")

    def __eq__(self, o):
        return self._fw.binary(np.equal, self, o, "eq")

    def __ne__(self, o):
        return self._fw.binary(np.not_equal, self, o, "ne")

    __hash__ = None

    def __getattr__(self, name):
        raise AttributeError(
            f"stand-in {self._fw.name} array has no attribute '{name}': the stand-in implements only what generated "
            f"code has called so far (test/python/standins). Add it there if the real framework has it."
        )


class NumpyLikeMethods:
    """The numpy-style methods jax.Array and mx.array have (tf.Tensor has none of them)."""

    __slots__ = ()

    @property
    def T(self):
        return self._fw.wrap(cast(np.asarray(self._a).T, logical_dtype(self._a)))

    @property
    def size(self) -> int:
        return int(self._a.size)

    def astype(self, dtype):
        return self._fw.wrap(cast(self._a, self._fw.resolve_dtype(dtype)))

    def reshape(self, *shape):
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return self._fw.wrap(
            cast(np.asarray(self._a).reshape(shape), logical_dtype(self._a))
        )


def make_dtypes(fw: Framework, names) -> dict:
    """DType objects for the given names; "bfloat16" is the float32-backed BFLOAT16."""
    fw.dtypes = {
        name: DType(name, BFLOAT16 if name == "bfloat16" else np.dtype(name), fw)
        for name in names
    }
    return fw.dtypes


# Shared implementations of the array functions every framework spells the same way ---------------------------------


def shaped(fw: Framework, npfunc, a, *args, **kwargs):
    """A shape-only numpy function (reshape, expand_dims, repeat, pad with zeros) keeping a's logical dtype."""
    arr = fw.to_numpy(a)
    return fw.wrap(cast(npfunc(np.asarray(arr), *args, **kwargs), logical_dtype(arr)))


def where(fw: Framework, cond, x, y):
    xa, ya, dt = fw.operands(x, y, "where")
    return fw.wrap(
        cast(
            np.where(np.asarray(fw.to_numpy(cond)), np.asarray(xa), np.asarray(ya)), dt
        )
    )
