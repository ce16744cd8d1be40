"""numpy and torch (CPU) on bench/run.mjs's workloads; prints one JSON object of samples in ms per workload."""
import json
import sys
import time

import numpy as np

try:
    import torch
except ImportError:  # numpy alone still gives a row
    torch = None

cases = json.loads(sys.argv[1])


def measure(fn):
    fn()
    samples = []
    t = time.perf_counter(); fn(); first = (time.perf_counter() - t) * 1000
    samples.append(first)
    reps = 5 if first < 1000 else 3 if first < 5000 else 1
    while len(samples) < reps:
        t = time.perf_counter(); fn(); samples.append((time.perf_counter() - t) * 1000)
    return samples


def adm_np(t, dim):
    half = dim // 2
    f = np.exp(np.float32(-np.log(10000)) * np.arange(half, dtype=np.float32) / np.float32(half))
    a = t.astype(np.float32)[:, None] * f[None]
    return np.concatenate([np.cos(a), np.sin(a)], axis=1)


def adm_torch(t, dim):
    half = dim // 2
    f = torch.exp(-np.log(10000) * torch.arange(half, dtype=torch.float32) / half)
    a = t[:, None].float() * f[None]
    return torch.cat([torch.cos(a), torch.sin(a)], dim=-1)


rng = np.random.default_rng(7)
out = {}
for c in cases:
    t = np.arange(c['rows'], dtype=np.float64) * c['step']
    e = adm_np(t, c['width'])
    row = out.setdefault(c['id'], {})
    if c['kind'] == 'embedding':
        row['numpy'] = measure(lambda: adm_np(t, c['width']))
        if torch: tt = torch.tensor(t, dtype=torch.float32); row['torch'] = measure(lambda: adm_torch(tt, c['width']))
    elif c['kind'] == 'similarity':
        def sim_np():
            u = e / np.linalg.norm(e, axis=1, keepdims=True)
            return u @ u.T
        row['numpy'] = measure(sim_np)
        if torch:
            te = torch.from_numpy(e)
            row['torch'] = measure(lambda: torch.nn.functional.normalize(te, dim=1) @ torch.nn.functional.normalize(te, dim=1).T)
    elif c['kind'] == 'mlp':
        w1 = rng.uniform(-1, 1, (1280, c['width'])).astype(np.float32) / 32
        b1 = rng.uniform(-1, 1, 1280).astype(np.float32) / 32
        w2 = rng.uniform(-1, 1, (1280, 1280)).astype(np.float32) / 36
        b2 = rng.uniform(-1, 1, 1280).astype(np.float32) / 36
        def mlp_np():
            h = e @ w1.T + b1
            return (h / (1 + np.exp(-h))) @ w2.T + b2
        row['numpy'] = measure(mlp_np)
        if torch:
            te, tw1, tb1, tw2, tb2 = (torch.from_numpy(v) for v in (e, w1, b1, w2, b2))
            row['torch'] = measure(lambda: torch.nn.functional.linear(torch.nn.functional.silu(torch.nn.functional.linear(te, tw1, tb1)), tw2, tb2))
out['_info'] = {'numpy': np.__version__, 'torch': torch.__version__ if torch else None, 'torch_threads': torch.get_num_threads() if torch else None}
print(json.dumps(out))
