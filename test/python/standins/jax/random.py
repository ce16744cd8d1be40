"""STAND-IN for `jax.random`: only `PRNGKey`, which Flax's `init` needs. Not jax's threefry streams.

Used only to execute generated Flax modules without real jax (see ../__init__.py); nothing else random is provided,
and any other name raises AttributeError.
"""

from jax.numpy import _FW


class _Key:
    """What the stand-in PRNGKey returns: just the seed (flax.linen's stand-in draws from numpy with it)."""

    def __init__(self, seed):
        self.seed = int(seed)


def PRNGKey(seed):  # noqa: N802  (jax's name)
    return _Key(seed)


def __getattr__(name):
    raise _FW.unknown("jax.random", name)
