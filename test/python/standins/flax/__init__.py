"""STAND-IN for `flax`, used only to execute Timestep Lens' generated Flax code where flax cannot be installed.

Only `flax.linen` exists (see linen/__init__.py for what it models and what it does NOT check).
"""
