"""Checks that the framework stand-ins (standins/) model what their docstrings claim, run by codegenExec.test.ts.

The generated JAX, TensorFlow and MLX code is only as well tested as the stand-ins are faithful on the points the
numbers depend on, so each claim is pinned here: Python scalars are rounded to float32 next to float32 arrays (never
computed in float64), default dtypes, bfloat16 rounding, TensorFlow's dtype strictness, and loud AttributeErrors.
Run with PYTHONPATH=test/python/standins; prints "ok" or raises AssertionError naming the claim.
"""

import math

import jax
import jax.numpy as jnp
import mlx.core as mx
import mlx.nn as mnn
import numpy as np
import tensorflow as tf
from flax import linen as nn


def check(condition, claim):
    if not condition:
        raise AssertionError(f"stand-in claim broken: {claim}")


def raises(exc, fn, claim):
    try:
        fn()
    except exc:
        return
    raise AssertionError(f"stand-in claim broken: {claim} (no {exc.__name__} raised)")


PI_F32 = float(np.float32(math.pi))

for name, arr, values in [
    ("jax", jnp.asarray, lambda a: np.asarray(a)),
    ("mlx", mx.array, lambda a: np.asarray(a)),
    ("tensorflow", tf.constant, lambda a: a.numpy()),
]:
    x = arr([1.0, 2.0])
    y = x * math.pi
    check(
        values(y).dtype == np.float32, f"{name}: float32 * Python float stays float32"
    )
    check(
        values(y)[0] == PI_F32,
        f"{name}: the Python float is rounded to float32 before multiplying",
    )
    check(
        values(arr(1.5)).dtype == np.float32, f"{name}: a Python float becomes float32"
    )
    raises(
        AttributeError,
        lambda: getattr(x, "no_such_method"),
        f"{name}: unknown array attribute raises",
    )

check(
    np.asarray(jnp.log(10000.0)).dtype == np.float32,
    "jax: jnp.log(Python float) is float32",
)
check(
    jnp.arange(3).dtype == jnp.int32 and (jnp.arange(3) / 2).dtype == jnp.float32,
    "jax: int32 arange, / -> float32",
)
check(
    (jnp.arange(3) * 1.5).dtype == jnp.float32, "jax: int32 * Python float -> float32"
)
check(
    mx.arange(3).dtype == mx.int32 and (mx.arange(3) / 2).dtype == mx.float32,
    "mlx: int32 arange, / -> float32",
)
check(
    tf.range(3).dtype == tf.int32 and (tf.range(3) / 2).dtype == tf.float64,
    "tensorflow: int32 / int -> float64",
)

raises(
    TypeError,
    lambda: tf.range(3) * tf.constant([1.0, 2.0, 3.0]),
    "tensorflow: mixed dtypes in one op raise",
)
raises(
    TypeError,
    lambda: tf.range(3) * 0.5,
    "tensorflow: a fractional Python float next to an int tensor raises",
)
raises(
    TypeError, lambda: tf.sin(tf.range(3)), "tensorflow: sin of an int tensor raises"
)
raises(
    AttributeError,
    lambda: tf.constant([1.0]).astype,
    "tensorflow: tf.Tensor has no astype",
)

# bfloat16: FLUX's time_factor product 0.75 * 1000 = 750 rounds to 752 in bfloat16; NaN stays NaN.
for name, bf16 in [
    ("jax", lambda v: jnp.asarray(v).astype(jnp.bfloat16)),
    ("mlx", lambda v: mx.array(v).astype(mx.bfloat16)),
]:
    b = bf16([750.0, float("nan"), 1.0 + 2**-9])
    got = np.asarray(b)
    check(
        got[0] == 752.0 and math.isnan(got[1]) and got[2] == 1.0,
        f"{name}: bfloat16 rounds to nearest, ties to even",
    )
    check(str(b.dtype).endswith("bfloat16"), f"{name}: bfloat16 arrays report bfloat16")
    check(
        str((b * 2.0).dtype).endswith("bfloat16"),
        f"{name}: bfloat16 * Python float stays bfloat16",
    )
check(
    tf.cast(tf.constant([750.0]), tf.bfloat16).numpy()[0] == 752.0,
    "tensorflow: cast to bfloat16 rounds",
)

for module in (
    jax,
    jnp,
    jax.random,
    jax.lax,
    nn,
    tf,
    tf.math,
    tf.nn,
    tf.keras.layers,
    mx,
    mnn,
):
    raises(
        AttributeError,
        lambda: getattr(module, "no_such_function"),
        f"{module.__name__}: unknown attribute raises",
    )
raises(
    TypeError,
    lambda: jnp.asarray([1.0]) + mx.array([1.0]),
    "arrays of two stand-in frameworks do not mix",
)


class Probe(nn.Module):
    features: int = 3

    @nn.compact
    def __call__(self, x):
        return nn.Dense(self.features, name="proj")(x)


probe = Probe()
variables = probe.init(jax.random.PRNGKey(0), jnp.asarray([[1.0] * 4] * 2))
check(
    sorted(variables["params"]["proj"]) == ["bias", "kernel"],
    "flax: nn.Dense params are kernel and bias",
)
check(
    probe.apply(variables, jnp.asarray([[1.0] * 4] * 2)).shape == (2, 3),
    "flax: apply runs the module",
)
raises(
    ValueError,
    lambda: probe(jnp.asarray([[1.0] * 4] * 2)),
    "flax: calling an unbound module raises",
)
print("ok")
