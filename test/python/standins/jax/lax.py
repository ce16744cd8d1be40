"""STAND-IN for `jax.lax`: only `stop_gradient` (the identity here: the stand-in has no autodiff to stop).

Used only to execute generated Flax modules without real jax (see ../__init__.py); other names raise AttributeError.
"""

from jax.numpy import _FW


def stop_gradient(x):
    return _FW.asarray(x)


def __getattr__(name):
    raise _FW.unknown("jax.lax", name)
