"""Execute generated snippets for one framework and write what they return, for test/unit/codegenExec.test.ts.

Usage: python3 run_snippets.py MANIFEST.json OUTPUT.json

The manifest is {"framework": "pytorch" | "numpy" | "jax" | "tensorflow" | "mlx", "cases": [case, ...]} where a case is
{"id", "file", "form", "timesteps", "dtype", "className"}: dtype is the request's ("float32", "float16", "bfloat16");
className is the main class of the class forms (the generator's `name` option). One process runs every case of a framework so the framework is imported once. Each case
is loaded as its own module from its file (tracebacks name the file and line); a case that raises is reported with its
traceback and the others still run.

What each form does here:
- function: timestep_embedding(timesteps) with timesteps as the framework's array (torch: in the request's dtype;
  the others take float32 and the snippet converts them itself).
- module: the class with its defaults (Flax: init then apply), called on the timesteps.
- module+mlp: the class with its defaults called on the timesteps; its embedding class is also run on its own, so
  the sinusoid part can be compared with the core.
- injection (PyTorch only): the MLP class gives the embedding, the block runs on a small random feature map.

The output is {"missing": null | "module name", "results": {id: result}}. A result is {"ok": false, "error": str} or
{"ok": true, "shape", "dtype", "data": base64 little-endian float32, "finite": bool} plus, for class forms, "stateKeys"
({key: shape}) and "sinusoid" (an encoded output of the embedding class).

jax/flax, tensorflow and mlx are the stand-ins in standins/ (on PYTHONPATH); pytorch and numpy are the real packages.
"""

import base64
import importlib
import importlib.util
import inspect
import json
import sys
import traceback

# The real packages each framework needs from the interpreter. The stand-ins are not listed: they are part of this
# repository, so failing to import one is a test failure (reported per case), never a reason to skip.
REAL_MODULES = {
    "pytorch": ["numpy", "torch"],
    "numpy": ["numpy"],
    "jax": ["numpy"],
    "tensorflow": ["numpy"],
    "mlx": ["numpy"],
}


def missing_module(framework):
    """The first real package this framework needs that cannot be imported, or None."""
    for name in REAL_MODULES[framework]:
        try:
            importlib.import_module(name)
        except ImportError:
            return name
    return None


def load_snippet(case):
    spec = importlib.util.spec_from_file_location(
        f"snippet_{case['index']}", case["file"]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[
        spec.name
    ] = module  # dataclasses (Flax modules) look their module up here
    spec.loader.exec_module(module)
    return module


def make_input(framework, values, dtype):
    """The timesteps as this framework's array: torch in the request's dtype, the others float32 (the snippets
    convert them to the request's dtype themselves)."""
    if framework == "pytorch":
        import torch

        return torch.tensor(values, dtype=getattr(torch, dtype))
    if framework == "numpy":
        import numpy as np

        return np.asarray(values, dtype=np.float32)
    if framework == "jax":
        import jax.numpy as jnp

        return jnp.asarray(values, dtype=jnp.float32)
    if framework == "tensorflow":
        import tensorflow as tf

        return tf.constant(values, dtype=tf.float32)
    if framework == "mlx":
        import mlx.core as mx

        return mx.array(values, dtype=mx.float32)
    raise ValueError(framework)


def to_numpy(value):
    """A framework array as numpy float32 values and its dtype name (bfloat16 widens to float32 exactly)."""
    import numpy as np

    if hasattr(value, "detach"):  # torch.Tensor
        return value.detach().float().numpy(), str(value.dtype).replace("torch.", "")
    if isinstance(value, np.ndarray):
        return value, value.dtype.name
    dtype = getattr(value.dtype, "name", None) or str(
        value.dtype
    )  # stand-in arrays (tf/mx dtypes carry a name)
    return np.asarray(value), dtype


def encode(value):
    import numpy as np

    arr, dtype = to_numpy(value)
    data = np.ascontiguousarray(arr, dtype="<f4")
    return {
        "shape": list(arr.shape),
        "dtype": dtype,
        "data": base64.b64encode(data.tobytes()).decode("ascii"),
        "finite": bool(np.isfinite(data).all()),
    }


def snippet_classes(module):
    """Classes the snippet itself defines, in source order."""
    found = [
        v
        for v in vars(module).values()
        if inspect.isclass(v) and v.__module__ == module.__name__
    ]
    return sorted(found, key=lambda c: inspect.getsourcelines(c)[1])


def flat_keys(tree, prefix, sep):
    """{path: shape} of a nested dict of arrays (Flax variables, MLX parameters)."""
    out = {}
    for key, value in tree.items():
        path = f"{prefix}{sep}{key}" if prefix else str(key)
        if isinstance(value, dict):
            out.update(flat_keys(value, path, sep))
        else:
            out[path] = list(value.shape)
    return out


class Instance:
    """One class of a snippet, instantiated with its defaults and callable on framework arrays."""

    def __init__(self, framework, cls, **kwargs):
        self.framework = framework
        self.model = cls(**kwargs)
        self.variables = None
        if framework == "pytorch":
            self.model.eval()

    def __call__(self, *args):
        if self.framework == "pytorch":
            import torch

            with torch.no_grad():
                return self.model(*args)
        if self.framework == "jax":
            import jax

            if self.variables is None:
                self.variables = self.model.init(jax.random.PRNGKey(0), *args)
            return self.model.apply(self.variables, *args)
        return self.model(*args)

    def state_keys(self):
        """{key: shape} of what a checkpoint would hold, in the framework's own naming."""
        if self.framework == "pytorch":
            return {k: list(v.shape) for k, v in self.model.state_dict().items()}
        if self.framework == "jax":
            return flat_keys(self.variables or {}, "", "/")
        if self.framework == "tensorflow":
            return {w.name: list(w.shape) for w in self.model.weights}
        if self.framework == "mlx":
            return flat_keys(self.model.parameters(), "", ".")
        return {}


def run_function(framework, case):
    module = load_snippet(case)
    out = module.timestep_embedding(
        make_input(framework, case["timesteps"], case["dtype"])
    )
    return encode(out)


def run_class_form(framework, case):
    module = load_snippet(case)
    classes = snippet_classes(module)
    main_cls = getattr(module, case["className"])
    timesteps = make_input(framework, case["timesteps"], case["dtype"])
    if case["form"] == "injection":
        return run_injection(module, classes, main_cls, timesteps)
    main = Instance(framework, main_cls)
    result = encode(main(timesteps))
    result["stateKeys"] = main.state_keys()
    if case["form"] == "module+mlp":
        embedders = [c for c in classes if c is not main_cls]
        if len(embedders) != 1:
            raise AssertionError(
                f"expected one embedding class beside {main_cls.__name__}, found {embedders}"
            )
        result["sinusoid"] = encode(Instance(framework, embedders[0])(timesteps))
    return result


def run_injection(module, classes, block_cls, timesteps):
    """PyTorch: MLP(timesteps) -> emb; block(x, emb) on a random feature map; the output keeps x's shape."""
    import torch

    torch.manual_seed(0)
    others = [
        Instance("pytorch", c)
        for c in classes
        if c is not block_cls and not _needs_args(c)
    ]
    snippet_types = tuple(classes)
    mlps = [
        o
        for o in others
        if any(isinstance(m, snippet_types) for m in list(o.model.modules())[1:])
    ]
    if len(mlps) != 1:
        raise AssertionError(
            f"expected one MLP class wrapping the embedding, found {[type(m.model) for m in mlps]}"
        )
    emb = mlps[0](timesteps)
    params = inspect.signature(block_cls.__init__).parameters
    n = timesteps.shape[0]
    if "channels" in params:
        block = Instance("pytorch", block_cls, channels=32)
        x = torch.randn(n, 32, 4, 4)
    else:
        block = Instance("pytorch", block_cls)
        x = torch.randn(n, 3, params["hidden_size"].default)
    out = block(x, emb)
    if tuple(out.shape) != tuple(x.shape):
        raise AssertionError(
            f"block output shape {tuple(out.shape)} differs from its input's {tuple(x.shape)}"
        )
    result = encode(out)
    result["stateKeys"] = block.state_keys()
    return result


def _needs_args(cls):
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    return any(
        p.default is inspect.Parameter.empty and p.kind == p.POSITIONAL_OR_KEYWORD
        for p in params
    )


def main():
    manifest_path, output_path = sys.argv[1], sys.argv[2]
    with open(manifest_path, encoding="utf-8") as f:
        manifest = json.load(f)
    framework = manifest["framework"]
    missing = missing_module(framework)
    results = {}
    if missing is None:
        if framework == "pytorch":
            import torch

            torch.set_num_threads(1)  # the frameworks run side by side on a few cores
        for index, case in enumerate(manifest["cases"]):
            case["index"] = index
            try:
                if case["form"] == "function":
                    results[case["id"]] = {"ok": True, **run_function(framework, case)}
                else:
                    results[case["id"]] = {
                        "ok": True,
                        **run_class_form(framework, case),
                    }
            except Exception:  # noqa: BLE001  (every failure is reported per case)
                results[case["id"]] = {
                    "ok": False,
                    "error": traceback.format_exc(limit=-8),
                }
    with open(output_path, "w", encoding="utf-8") as f:
        json.dump({"missing": missing, "results": results}, f)


if __name__ == "__main__":
    main()
