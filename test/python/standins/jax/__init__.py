"""STAND-IN for `jax`, used only to execute Timestep Lens' generated JAX code where real jax cannot be installed.

It is numpy underneath (see ../_standin_array.py): `jax.Array` wraps a numpy array, `jax.numpy` is a thin module of
float32 numpy operations with jax's weak-typed scalars and x64-disabled default dtypes. It does NOT check jax's real
promotion table, jit tracing (there is no jit here), device placement, or random streams (`jax.random` has only
PRNGKey, for Flax's init). Any attribute it does not implement raises AttributeError.
"""

from jax import lax  # noqa: F401  (jax.lax.stop_gradient)
from jax import random  # noqa: F401  (jax.random.PRNGKey, for Flax's init)
from jax.numpy import Array  # noqa: F401  (jax.Array is the array type)
from jax.numpy import _FW

__all__ = ["Array", "lax", "numpy", "random"]


def __getattr__(name):
    raise _FW.unknown("jax", name)
