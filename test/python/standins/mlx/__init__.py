"""STAND-IN for the `mlx` package, used only to execute Timestep Lens' generated MLX code where MLX cannot be installed.

`mlx.core` and `mlx.nn` are numpy underneath (see ../_standin_array.py). They do NOT check lazy evaluation
(`mx.eval`), unified-memory devices and streams, MLX's own kernels or its full promotion table. Unknown attributes
raise AttributeError.
"""
