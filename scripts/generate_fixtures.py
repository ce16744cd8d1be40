"""Generate test/fixtures/reference.json, the PyTorch ground truth for the core.

Run with Debian's interpreter, which has torch 1.13 and numpy:

    /usr/bin/python3 scripts/generate_fixtures.py          # write the fixture
    /usr/bin/python3 scripts/generate_fixtures.py --check  # exit 1 if it is stale

Every function below transcribes the upstream code named in CONVENTIONS.md §1 into
torch float32, keeping upstream's operation order and its Python-scalar-versus-tensor
structure. That structure matters: torch 1.13 on the CPU rounds a Python (or numpy)
scalar to the tensor's dtype before an elementwise op, and divides by a scalar with a
true division, so `-math.log(P) * arange` differs from doing the product in double.
Code that upstream writes in TensorFlow or JAX is emulated with the same float32 ops
in the same order. Sources (owner/repo:path):

- diffusers get_timestep_embedding:
  huggingface/diffusers:src/diffusers/models/embeddings.py:27
- diffusers Flax get_sinusoidal_embeddings:
  huggingface/diffusers:src/diffusers/models/embeddings_flax.py
- ADM timestep_embedding: openai/guided-diffusion:guided_diffusion/nn.py:103;
  repeat_only from
  Stability-AI/generative-models:sgm/modules/diffusionmodules/util.py:237
- FLUX timestep_embedding: black-forest-labs/flux:src/flux/modules/layers.py:28
- DDPM get_timestep_embedding (TF): hojonathanho/diffusion:diffusion_tf/nn.py
- score_sde get_timestep_embedding (JAX): yang-song/score_sde:models/layers.py:450
- fairseq SinusoidalPositionalEmbedding.get_embedding:
  facebookresearch/fairseq:fairseq/modules/sinusoidal_positional_embedding.py
- lucidrains SinusoidalPosEmb (:114) and RandomOrLearnedSinusoidalPosEmb (:129):
  lucidrains/denoising-diffusion-pytorch:
  denoising_diffusion_pytorch/denoising_diffusion_pytorch.py
- tensor2tensor get_timing_signal_1d (TF):
  tensorflow/tensor2tensor:tensor2tensor/layers/common_attention.py:408
- Transformer positional table (diffusers SinusoidalPositionalEmbedding):
  huggingface/diffusers:src/diffusers/models/embeddings.py:1360
- GaussianFourierProjection:
  huggingface/diffusers:src/diffusers/models/embeddings.py:1329
- EDM PositionalEmbedding (:193), FourierEmbedding (:212), the SongUNet halves swap
  (:322-332) and the c_noise of VPPrecond (:504), VEPrecond (:557), iDDPMPrecond
  (:610) and EDMPrecond (:663): NVlabs/edm:training/networks.py
- k-diffusion FourierFeatures: crowsonkb/k-diffusion:k_diffusion/layers.py:285
- SGM ConcatTimestepEmbedderND:
  Stability-AI/generative-models:sgm/modules/encoders/modules.py:917
- The time-embedding MLP (Linear, act, Linear), as diffusers TimestepEmbedding:
  huggingface/diffusers:src/diffusers/models/embeddings.py:1262

Each transcription also returns the float32 arguments it took sin/cos of, so every
case records per row the largest |argument|, the scale of its rounding error (the
tests allow 4*|a|*2^-24 + 2^-23 per value).

Determinism: one thread, torch.manual_seed per case (seeded from the case name),
sorted keys and fixed formatting. ATEN_CPU_CAPABILITY is pinned to avx2 on x86-64
because torch's AVX2, AVX-512 and default kernels give different last bits for exp,
sin, cos and pow (measured with torch 1.13), which would tie --check to the machine.
"""

import os
import platform

if platform.machine().lower() in ("x86_64", "amd64"):
    # Must be set before torch loads; see the module docstring.
    os.environ["ATEN_CPU_CAPABILITY"] = "avx2"

import argparse  # noqa: E402
import base64  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import zlib  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test" / "fixtures" / "reference.json"
PRESETS_TS = ROOT / "src" / "core" / "presets.ts"
GENERATOR = "scripts/generate_fixtures.py"

DTYPES = {
    "float32": torch.float32,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
}

# --------------------------------------------------------------------------------------
# Upstream transcriptions. Each returns (output, arguments): arguments is the float32
# tensor that sin/cos were taken of.
# --------------------------------------------------------------------------------------


def diffusers_get_timestep_embedding(
    timesteps,
    embedding_dim,
    flip_sin_to_cos=False,
    downscale_freq_shift=1,
    scale=1,
    max_period=10000,
):
    assert len(timesteps.shape) == 1, "Timesteps should be a 1d-array"
    half_dim = embedding_dim // 2
    exponent = -math.log(max_period) * torch.arange(
        start=0, end=half_dim, dtype=torch.float32
    )
    exponent = exponent / (half_dim - downscale_freq_shift)
    emb = torch.exp(exponent)
    emb = timesteps[:, None].float() * emb[None, :]
    emb = scale * emb
    args = emb
    emb = torch.cat([torch.sin(emb), torch.cos(emb)], dim=-1)
    if flip_sin_to_cos:
        emb = torch.cat([emb[:, half_dim:], emb[:, :half_dim]], dim=-1)
    if embedding_dim % 2 == 1:
        emb = torch.nn.functional.pad(emb, (0, 1, 0, 0))
    return emb, args


def flax_get_sinusoidal_embeddings(
    timesteps,
    embedding_dim,
    freq_shift=1,
    min_timescale=1,
    max_timescale=1.0e4,
    flip_sin_to_cos=False,
    scale=1.0,
):
    """jnp emulated by the same torch float32 ops (JAX keeps a Python scalar weakly
    typed, so it becomes float32 as in torch)."""
    assert timesteps.ndim == 1, "Timesteps should be a 1d-array"
    assert embedding_dim % 2 == 0, f"Embedding dimension {embedding_dim} should be even"
    num_timescales = float(embedding_dim // 2)
    log_timescale_increment = math.log(max_timescale / min_timescale) / (
        num_timescales - freq_shift
    )
    inv_timescales = min_timescale * torch.exp(
        torch.arange(num_timescales, dtype=torch.float32) * -log_timescale_increment
    )
    emb = timesteps[:, None] * inv_timescales[None, :]
    scaled_time = scale * emb
    if flip_sin_to_cos:
        signal = torch.cat([torch.cos(scaled_time), torch.sin(scaled_time)], dim=1)
    else:
        signal = torch.cat([torch.sin(scaled_time), torch.cos(scaled_time)], dim=1)
    signal = torch.reshape(signal, [timesteps.shape[0], embedding_dim])
    return signal, scaled_time


def adm_timestep_embedding(timesteps, dim, max_period=10000, repeat_only=False):
    """guided-diffusion nn.py:103; repeat_only from sgm util.py:237 (einops'
    'b -> b d' keeps t's dtype)."""
    if not repeat_only:
        half = dim // 2
        freqs = torch.exp(
            -math.log(max_period)
            * torch.arange(start=0, end=half, dtype=torch.float32)
            / half
        )
        args = timesteps[:, None].float() * freqs[None]
        embedding = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
        if dim % 2:
            embedding = torch.cat(
                [embedding, torch.zeros_like(embedding[:, :1])], dim=-1
            )
    else:
        embedding = timesteps[:, None].expand(timesteps.shape[0], dim)
        args = torch.zeros(timesteps.shape[0], 0)
    return embedding, args


def flux_timestep_embedding(t, dim, max_period=10000, time_factor=1000.0):
    t = time_factor * t
    half = dim // 2
    freqs = torch.exp(
        -math.log(max_period)
        * torch.arange(start=0, end=half, dtype=torch.float32)
        / half
    )
    args = t[:, None].float() * freqs[None]
    embedding = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        embedding = torch.cat([embedding, torch.zeros_like(embedding[:, :1])], dim=-1)
    if torch.is_floating_point(t):
        embedding = embedding.to(t)
    return embedding, args


def ddpm_tf_get_timestep_embedding(timesteps, embedding_dim):
    """tf.range/tf.exp/tf.cast emulated with torch float32 ops in the same order."""
    assert len(timesteps.shape) == 1
    half_dim = embedding_dim // 2
    emb = math.log(10000) / (half_dim - 1)
    emb = torch.exp(torch.arange(half_dim, dtype=torch.float32) * -emb)
    emb = timesteps.float()[:, None] * emb[None, :]
    args = emb
    emb = torch.cat([torch.sin(emb), torch.cos(emb)], dim=1)
    if embedding_dim % 2 == 1:
        emb = F.pad(emb, (0, 1, 0, 0))
    return emb, args


def score_sde_get_timestep_embedding(timesteps, embedding_dim, max_positions=10000):
    """jnp emulated with torch float32 ops in the same order."""
    assert len(timesteps.shape) == 1
    half_dim = embedding_dim // 2
    emb = math.log(max_positions) / (half_dim - 1)
    emb = torch.exp(torch.arange(half_dim, dtype=torch.float32) * -emb)
    emb = timesteps[:, None] * emb[None, :]
    args = emb
    emb = torch.cat([torch.sin(emb), torch.cos(emb)], dim=1)
    if embedding_dim % 2 == 1:
        emb = F.pad(emb, (0, 1, 0, 0))
    assert emb.shape == (timesteps.shape[0], embedding_dim)
    return emb, args


def fairseq_get_embedding(num_embeddings, embedding_dim, padding_idx=None):
    half_dim = embedding_dim // 2
    emb = math.log(10000) / (half_dim - 1)
    emb = torch.exp(torch.arange(half_dim, dtype=torch.float) * -emb)
    emb = torch.arange(num_embeddings, dtype=torch.float).unsqueeze(1) * emb.unsqueeze(
        0
    )
    args = emb
    emb = torch.cat([torch.sin(emb), torch.cos(emb)], dim=1).view(num_embeddings, -1)
    if embedding_dim % 2 == 1:
        emb = torch.cat([emb, torch.zeros(num_embeddings, 1)], dim=1)
    if padding_idx is not None:
        emb[padding_idx, :] = 0
    return emb, args


def lucidrains_sinusoidal_pos_emb(x, dim, theta=10000):
    half_dim = dim // 2
    emb = math.log(theta) / (half_dim - 1)
    emb = torch.exp(torch.arange(half_dim) * -emb)
    emb = x[:, None] * emb[None, :]
    args = emb
    emb = torch.cat((emb.sin(), emb.cos()), dim=-1)
    return emb, args


def lucidrains_random_or_learned(x, weights):
    x = x[:, None]
    freqs = x * weights[None, :] * 2 * math.pi
    fouriered = torch.cat((freqs.sin(), freqs.cos()), dim=-1)
    fouriered = torch.cat((x, fouriered), dim=-1)
    return fouriered, freqs


def t2t_get_timing_signal_1d(
    positions, channels, min_timescale=1.0, max_timescale=1.0e4, start_index=0
):
    """TF emulated in torch float32; rows are the given positions, not range(length)."""
    position = torch.tensor(
        [float(p + start_index) for p in positions], dtype=torch.float32
    )
    num_timescales = channels // 2
    log_timescale_increment = torch.tensor(
        math.log(float(max_timescale) / float(min_timescale)), dtype=torch.float32
    ) / torch.clamp(torch.tensor(float(num_timescales), dtype=torch.float32) - 1, min=1)
    inv_timescales = min_timescale * torch.exp(
        torch.arange(num_timescales, dtype=torch.float32) * -log_timescale_increment
    )
    scaled_time = position[:, None] * inv_timescales[None, :]
    signal = torch.cat([torch.sin(scaled_time), torch.cos(scaled_time)], dim=1)
    signal = F.pad(signal, (0, channels % 2, 0, 0))
    return signal, scaled_time


def transformer_positional_table(embed_dim, max_seq_length=32):
    """diffusers SinusoidalPositionalEmbedding.__init__: its `pe` buffer, unbatched."""
    position = torch.arange(max_seq_length).unsqueeze(1)
    div_term = torch.exp(
        torch.arange(0, embed_dim, 2) * (-math.log(10000.0) / embed_dim)
    )
    pe = torch.zeros(max_seq_length, embed_dim)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    return pe, position * div_term


def gaussian_fourier_projection(x, weight, log=True, flip_sin_to_cos=False):
    if log:
        x = torch.log(x)
    x_proj = x[:, None] * weight[None, :] * 2 * np.pi
    if flip_sin_to_cos:
        out = torch.cat([torch.cos(x_proj), torch.sin(x_proj)], dim=-1)
    else:
        out = torch.cat([torch.sin(x_proj), torch.cos(x_proj)], dim=-1)
    return out, x_proj


def edm_positional_embedding(x, num_channels, max_positions=10000, endpoint=False):
    freqs = torch.arange(start=0, end=num_channels // 2, dtype=torch.float32)
    freqs = freqs / (num_channels // 2 - (1 if endpoint else 0))
    freqs = (1 / max_positions) ** freqs
    x = x.ger(freqs.to(x.dtype))
    args = x
    x = torch.cat([x.cos(), x.sin()], dim=1)
    return x, args


def edm_fourier_embedding(x, freqs):
    x = x.ger((2 * np.pi * freqs).to(x.dtype))
    args = x
    x = torch.cat([x.cos(), x.sin()], dim=1)
    return x, args


def song_unet_swap_halves(emb):
    """SongUNet.forward's swap of the cos|sin halves to sin|cos."""
    return emb.reshape(emb.shape[0], 2, -1).flip(1).reshape(*emb.shape)


def k_diffusion_fourier_features(input, weight):
    f = 2 * math.pi * input @ weight.T
    return torch.cat([f.cos(), f.sin()], dim=-1), f


def sgm_concat_timestep_embedder(x, outdim):
    """ConcatTimestepEmbedderND.forward; Timestep(outdim) is ADM timestep_embedding and
    the einops rearranges are reshapes."""
    if x.ndim == 1:
        x = x[:, None]
    assert len(x.shape) == 2
    b, dims = x.shape[0], x.shape[1]
    x = x.reshape(b * dims)
    emb, args = adm_timestep_embedding(x, outdim)
    emb = emb.reshape(b, dims * outdim)
    return emb, args.reshape(b, -1)


# --------------------------------------------------------------------------------------
# EDM c_noise (training/networks.py): sigma is float32, reshaped to a column as each
# Precond.forward does.
# --------------------------------------------------------------------------------------


def vp_sigma_inv(sigma, beta_d, beta_min):
    sigma = torch.as_tensor(sigma)
    return (
        (beta_min**2 + 2 * beta_d * (1 + sigma**2).log()).sqrt() - beta_min
    ) / beta_d


def vp_c_noise(sigma, M=1000, beta_d=19.9, beta_min=0.1):
    return (M - 1) * vp_sigma_inv(sigma, beta_d, beta_min)


def ve_c_noise(sigma):
    return (0.5 * sigma).log()


def edm_c_noise(sigma):
    return sigma.log() / 4


def iddpm_alpha_bar(j, M, C_2):
    j = torch.as_tensor(j)
    return (0.5 * np.pi * j / M / (C_2 + 1)).sin() ** 2


def iddpm_u_table(M=1000, C_1=0.001, C_2=0.008):
    """iDDPMPrecond.__init__."""
    u = torch.zeros(M + 1)
    for j in range(M, 0, -1):  # M, ..., 1
        ratio = iddpm_alpha_bar(j - 1, M, C_2) / iddpm_alpha_bar(j, M, C_2)
        u[j - 1] = ((u[j] ** 2 + 1) / ratio.clip(min=C_1) - 1).sqrt()
    return u


def iddpm_round_sigma_index(sigma, u):
    """iDDPMPrecond.round_sigma(sigma, return_index=True)."""
    sigma = torch.as_tensor(sigma)
    index = torch.cdist(
        sigma.to(torch.float32).reshape(1, -1, 1), u.reshape(1, -1, 1)
    ).argmin(2)
    return index.reshape(sigma.shape)


def iddpm_c_noise(sigma, M=1000, C_1=0.001, C_2=0.008):
    u = iddpm_u_table(M, C_1, C_2)
    exact = (sigma.reshape(-1, 1) - u.reshape(1, -1)).abs().argmin(1)
    index = iddpm_round_sigma_index(sigma, u)
    if not torch.equal(index.flatten(), exact):
        raise ValueError(
            f"cdist's argmin is not the nearest u for sigma={sigma.flatten().tolist()}"
        )
    return M - 1 - index.to(torch.float32)


C_NOISE = {
    "vp": vp_c_noise,
    "ve": ve_c_noise,
    "edm": edm_c_noise,
    "iddpm": iddpm_c_noise,
}


def c_noise(precond, sigma_values, params):
    sigma = torch.tensor(sigma_values, dtype=torch.float32).reshape(-1, 1)
    return C_NOISE[precond](sigma, **params)


# --------------------------------------------------------------------------------------
# Requests: one function per preset maps a request to the transcription.
# --------------------------------------------------------------------------------------


def timesteps_tensor(request):
    return torch.tensor(request["timesteps"], dtype=DTYPES[request["dtype"]])


def run_diffusers(request, p):
    return diffusers_get_timestep_embedding(
        timesteps_tensor(request),
        p["embedding_dim"],
        p["flip_sin_to_cos"],
        p["downscale_freq_shift"],
        p["scale"],
        p["max_period"],
    )


def run_flax(request, p):
    return flax_get_sinusoidal_embeddings(
        timesteps_tensor(request),
        p["embedding_dim"],
        p["freq_shift"],
        p["min_timescale"],
        p["max_timescale"],
        p["flip_sin_to_cos"],
        p["scale"],
    )


def run_adm(request, p):
    return adm_timestep_embedding(
        timesteps_tensor(request), p["dim"], p["max_period"], p["repeat_only"]
    )


def run_flux(request, p):
    return flux_timestep_embedding(
        timesteps_tensor(request), p["dim"], p["max_period"], p["time_factor"]
    )


def run_ddpm_tf(request, p):
    return ddpm_tf_get_timestep_embedding(timesteps_tensor(request), p["embedding_dim"])


def run_score_sde(request, p):
    return score_sde_get_timestep_embedding(
        timesteps_tensor(request), p["embedding_dim"], p["max_positions"]
    )


def run_fairseq(request, p):
    rows = request["timesteps"]
    table, args = fairseq_get_embedding(
        max(rows) + 1, p["embedding_dim"], p["padding_idx"]
    )
    return table[rows], args[rows]


def run_lucidrains(request, p):
    return lucidrains_sinusoidal_pos_emb(
        timesteps_tensor(request), p["dim"], p["theta"]
    )


def run_lucidrains_random(request, p):
    weights = torch.tensor(p["weights"], dtype=torch.float32)
    return lucidrains_random_or_learned(timesteps_tensor(request), weights)


def run_t2t(request, p):
    return t2t_get_timing_signal_1d(
        request["timesteps"],
        p["channels"],
        p["min_timescale"],
        p["max_timescale"],
        p["start_index"],
    )


def run_transformer(request, p):
    table, args = transformer_positional_table(p["embed_dim"], p["max_seq_length"])
    rows = request["timesteps"]
    return table[rows], args[rows]


def run_gaussian_fourier(request, p):
    weight = torch.tensor(p["weight"], dtype=torch.float32)
    return gaussian_fourier_projection(
        timesteps_tensor(request), weight, p["log"], p["flip_sin_to_cos"]
    )


def run_edm_positional(request, p):
    emb, args = edm_positional_embedding(
        timesteps_tensor(request), p["num_channels"], p["max_positions"], p["endpoint"]
    )
    return (song_unet_swap_halves(emb) if p["swap_halves"] else emb), args


def run_edm_fourier(request, p):
    emb, args = edm_fourier_embedding(
        timesteps_tensor(request), torch.tensor(p["freqs"], dtype=torch.float32)
    )
    return (song_unet_swap_halves(emb) if p["swap_halves"] else emb), args


def run_k_diffusion(request, p):
    rows = request["timesteps"]
    x = timesteps_tensor(request).reshape(len(rows), p["in_features"])
    weight = torch.tensor(p["weight"], dtype=torch.float32).reshape(
        p["out_features"] // 2, p["in_features"]
    )
    emb, _ = k_diffusion_fourier_features(x, weight)
    # The rounding-error scale of a dot product is the sum of |terms|, not |sum|.
    scale = (2 * math.pi * x.double()).abs() @ weight.double().abs().T
    return emb, scale


def run_sgm_concat(request, p):
    return sgm_concat_timestep_embedder(timesteps_tensor(request), p["outdim"])


RUNNERS = {
    "diffusers": run_diffusers,
    "diffusers-flax": run_flax,
    "adm": run_adm,
    "flux": run_flux,
    "ddpm-tf": run_ddpm_tf,
    "score-sde": run_score_sde,
    "fairseq": run_fairseq,
    "lucidrains": run_lucidrains,
    "lucidrains-random": run_lucidrains_random,
    "tensor2tensor": run_t2t,
    "transformer": run_transformer,
    "gaussian-fourier": run_gaussian_fourier,
    "edm-positional": run_edm_positional,
    "edm-fourier": run_edm_fourier,
    "k-diffusion": run_k_diffusion,
    "sgm-concat": run_sgm_concat,
}

# Random buffers: (upstream name, shape from params, how upstream draws it at init).
BUFFERS = {
    "lucidrains-random": (
        "weights",
        lambda p: [p["dim"] // 2],
        lambda shape, p: torch.randn(shape),
    ),
    "gaussian-fourier": (
        "weight",
        lambda p: [p["embedding_size"]],
        lambda shape, p: torch.randn(shape) * p["scale"],
    ),
    "edm-fourier": (
        "freqs",
        lambda p: [p["num_channels"] // 2],
        lambda shape, p: torch.randn(shape) * p["scale"],
    ),
    "k-diffusion": (
        "weight",
        lambda p: [p["out_features"] // 2, p["in_features"]],
        lambda shape, p: torch.randn(shape) * p["std"],
    ),
}


def seed_of(name):
    return zlib.crc32(name.encode("utf-8")) & 0x7FFFFFFF


def add_buffer(name, preset, params):
    """Draw the random buffer as upstream's __init__ does, seeded from the case name."""
    if preset not in BUFFERS:
        return params
    key, shape_of, draw = BUFFERS[preset]
    torch.manual_seed(seed_of(name))
    buffer = draw(shape_of(params), params).to(torch.float32)
    return {**params, key: buffer.flatten().tolist()}


# --------------------------------------------------------------------------------------
# Encoding
# --------------------------------------------------------------------------------------


def b64_f32(tensor):
    array = np.ascontiguousarray(tensor.detach().to(torch.float32).numpy(), dtype="<f4")
    return base64.b64encode(array.tobytes()).decode("ascii")


def row_max_abs(args, rows):
    """Largest finite |argument| per row; 0 for a row with no finite argument."""
    if args.numel() == 0:
        return [0.0] * rows
    out = []
    for row in args.detach().double().abs().reshape(rows, -1).numpy():
        finite = row[np.isfinite(row)]
        out.append(float(finite.max()) if finite.size else 0.0)
    return out


def embedding_case(name, preset, timesteps, params, dtype="float32"):
    params = add_buffer(name, preset, params)
    request = {
        "preset": preset,
        "timesteps": timesteps,
        "params": params,
        "dtype": dtype,
    }
    torch.manual_seed(seed_of(name))
    out, args = RUNNERS[preset](request, params)
    rows = out.shape[0]
    return {
        "name": name,
        "request": request,
        "shape": list(out.shape),
        "data": b64_f32(out),
        "rowMaxAbsArg": row_max_abs(args, rows),
    }


# --------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------

T_MAIN = [0, 1, 0.5, 10, 123.456, 500, 999, 5000]
T_INT = [0, 1, 2, 10, 100, 500, 999]
T_UNIT = [0, 0.0351, 0.25, 0.5, 0.75, 0.9997, 1.0]
T_HALF_DTYPE = [0, 1, 500, 750.3, 999.7, 5000]
SIGMAS = [0.002, 0.01, 0.1, 0.5, 1, 14.6, 80]
SIGMAS_CNOISE = [0.002, 0.01, 0.05, 0.1, 0.5, 1, 2, 5, 14.6, 80]
EDM_VP = {"M": 1000, "beta_d": 19.9, "beta_min": 0.1}
EDM_IDDPM = {"M": 1000, "C_1": 0.001, "C_2": 0.008}


def f32_values(tensor):
    """Float32 values as Python floats (exact doubles), for f32-computed timesteps."""
    return [float(v) for v in tensor.to(torch.float32).flatten().tolist()]


def sigma_inputs(kind):
    """What EDM / score_sde / k-diffusion models feed their embedding for SIGMAS."""
    if kind == "ln":
        return f32_values(torch.tensor(SIGMAS, dtype=torch.float32).log())
    return f32_values(c_noise(kind, SIGMAS, {}))


def diffusers_cases():
    def params(D, flip, shift, scale=1, max_period=10000):
        return {
            "embedding_dim": D,
            "flip_sin_to_cos": flip,
            "downscale_freq_shift": shift,
            "scale": scale,
            "max_period": max_period,
        }

    cases = [
        (f"sd15-flip-shift0/D={D}", T_MAIN, params(D, True, 0))
        for D in [320, 321, 256, 255, 128, 127, 6, 5, 4]
    ]
    cases += [
        (f"ddpm-default/D={D}", T_MAIN, params(D, False, 1))
        for D in [320, 321, 128, 127, 6, 5, 4]
    ]
    cases += [
        ("sd15-flip-shift0/D=1280", T_MAIN, params(1280, True, 0)),
        ("dit-port-flip-shift1/D=256", T_INT, params(256, True, 1)),
        ("nan-shift1/D=2", T_MAIN, params(2, False, 1)),
        ("nan-shift1/D=3", T_MAIN, params(3, False, 1)),
        ("nan-shift1-flip/D=3", T_MAIN, params(3, True, 1)),
        ("shift0/D=2", T_MAIN, params(2, False, 0)),
        ("shift0-flip/D=3", T_MAIN, params(3, True, 0)),
        ("auraflow-scale1000/D=256", T_UNIT, params(256, True, 0, scale=1000)),
        ("grad-tts-scale1000/D=128", T_UNIT, params(128, False, 1, scale=1000)),
        ("scale0.1/D=64", T_MAIN, params(64, True, 0, scale=0.1)),
        ("shift0.5/D=64", T_MAIN, params(64, False, 0.5)),
        ("max_period=1000/D=128", T_MAIN, params(128, True, 0, max_period=1000)),
        ("max_period=100000/D=128", T_MAIN, params(128, False, 1, max_period=100000)),
        ("max_period=2.5/D=16", T_MAIN, params(16, True, 0, max_period=2.5)),
    ]
    out = [embedding_case(f"diffusers/{n}", "diffusers", t, p) for n, t, p in cases]
    for dtype, tag in [("float16", "fp16"), ("bfloat16", "bf16")]:
        name = f"diffusers/sd3-{tag}-flip-shift0/D=256"
        out.append(
            embedding_case(name, "diffusers", T_HALF_DTYPE, params(256, True, 0), dtype)
        )
    return out


def flax_cases():
    def params(D, shift, flip, scale=1.0, min_timescale=1, max_timescale=10000):
        return {
            "embedding_dim": D,
            "freq_shift": shift,
            "min_timescale": min_timescale,
            "max_timescale": max_timescale,
            "flip_sin_to_cos": flip,
            "scale": scale,
        }

    cases = [
        ("unet-flip-shift0/D=320", T_MAIN, params(320, 0, True)),
        ("default/D=320", T_MAIN, params(320, 1, False)),
        ("default/D=128", T_MAIN, params(128, 1, False)),
        ("flip-shift0/D=4", T_MAIN, params(4, 0, True)),
        ("shift0/D=2", T_MAIN, params(2, 0, False)),
        ("scale1000/D=64", T_UNIT, params(64, 0, True, scale=1000.0)),
        (
            "timescales-2-1000/D=64",
            T_MAIN,
            params(64, 1, False, min_timescale=2, max_timescale=1000),
        ),
        ("shift0.5/D=32", T_MAIN, params(32, 0.5, True)),
    ]
    return [
        embedding_case(f"diffusers-flax/{n}", "diffusers-flax", t, p)
        for n, t, p in cases
    ]


def adm_cases():
    def params(D, max_period=10000, repeat_only=False):
        return {"dim": D, "max_period": max_period, "repeat_only": repeat_only}

    cases = [
        (f"D={D}", T_MAIN, params(D), "float32")
        for D in [320, 321, 256, 255, 128, 127, 6, 5, 4, 3, 2]
    ]
    cases += [
        ("dit/D=256", T_INT, params(256), "float32"),
        (
            "improved-rescaled/D=128",
            [0, 0.25, 249.75, 500, 999.75],
            params(128),
            "float32",
        ),
        (
            "sd3-1000sigma/D=256",
            f32_values(torch.tensor(T_UNIT) * 1000),
            params(256),
            "float32",
        ),
        ("max_period=1000/D=128", T_MAIN, params(128, max_period=1000), "float32"),
        (
            "max_period=100000.0/D=64",
            T_MAIN,
            params(64, max_period=100000.0),
            "float32",
        ),
        ("repeat_only/D=4", T_MAIN, params(4, repeat_only=True), "float32"),
        ("repeat_only-fp16/D=5", T_HALF_DTYPE, params(5, repeat_only=True), "float16"),
        ("sd3-fp16/D=256", T_HALF_DTYPE, params(256), "float16"),
        ("sd3-bf16/D=256", T_HALF_DTYPE, params(256), "bfloat16"),
        ("bf16/D=321", T_HALF_DTYPE, params(321), "bfloat16"),
    ]
    return [embedding_case(f"adm/{n}", "adm", t, p, dt) for n, t, p, dt in cases]


def flux_cases():
    def params(D, max_period=10000, time_factor=1000.0):
        return {"dim": D, "max_period": max_period, "time_factor": time_factor}

    cases = [
        ("f32/D=256", T_UNIT, params(256), "float32"),
        ("bf16/D=256", T_UNIT, params(256), "bfloat16"),
        ("fp16/D=256", T_UNIT, params(256), "float16"),
        ("guidance-bf16/D=256", [1.0, 3.5, 4.0, 7.5], params(256), "bfloat16"),
        ("f32/D=255", T_UNIT, params(255), "float32"),
        ("bf16/D=5", T_UNIT, params(5), "bfloat16"),
        ("f32/D=4", T_UNIT, params(4), "float32"),
        (
            "time_factor=1/D=64",
            [0, 1, 500, 999],
            params(64, time_factor=1.0),
            "float32",
        ),
        ("time_factor=999.9/D=64", T_UNIT, params(64, time_factor=999.9), "float32"),
        ("max_period=1000/D=128", T_UNIT, params(128, max_period=1000), "float32"),
    ]
    return [embedding_case(f"flux/{n}", "flux", t, p, dt) for n, t, p, dt in cases]


def ddpm_tf_cases():
    return [
        embedding_case(f"ddpm-tf/D={D}", "ddpm-tf", T_MAIN, {"embedding_dim": D})
        for D in [320, 128, 127, 6, 5, 4]
    ]


def score_sde_cases():
    vp_labels = f32_values(torch.tensor([0, 1e-5, 0.001, 0.25, 0.5, 0.75, 1.0]) * 999)
    cases = [
        ("vp-999t/D=128", vp_labels, 128, 10000),
        ("discrete/D=127", T_MAIN, 127, 10000),
        ("discrete/D=4", T_MAIN, 4, 10000),
        ("max_positions=1000/D=64", T_MAIN, 64, 1000),
        ("smld-sigma/D=128", [0.01, 1, 50, 378], 128, 10000),
    ]
    return [
        embedding_case(
            f"score-sde/{n}", "score-sde", t, {"embedding_dim": D, "max_positions": P}
        )
        for n, t, D, P in cases
    ]


def fairseq_cases():
    rows = [0, 1, 2, 3, 10, 100, 1023]
    cases = [
        ("pad1/D=512", rows, 512, 1),
        ("none/D=512", rows, 512, None),
        ("pad1/D=511", rows, 511, 1),
        ("pad0/D=4", [0, 1, 5, 999], 4, 0),
        ("none/D=5", [0, 1, 5, 999], 5, None),
    ]
    return [
        embedding_case(
            f"fairseq/{n}", "fairseq", t, {"embedding_dim": D, "padding_idx": pad}
        )
        for n, t, D, pad in cases
    ]


def lucidrains_cases():
    cases = [(f"dim={D}", D, 10000) for D in [64, 63, 128, 5, 4]] + [
        ("theta=1000/dim=32", 32, 1000)
    ]
    return [
        embedding_case(f"lucidrains/{n}", "lucidrains", T_MAIN, {"dim": D, "theta": th})
        for n, D, th in cases
    ]


def lucidrains_random_cases():
    cases = [
        ("random/dim=16", T_INT, 16, True),
        ("learned/dim=16", T_INT, 16, False),
        ("dim=2", T_MAIN, 2, True),
        ("dim=32", T_MAIN, 32, False),
    ]
    return [
        embedding_case(
            f"lucidrains-random/{n}", "lucidrains-random", t, {"dim": D, "is_random": r}
        )
        for n, t, D, r in cases
    ]


def t2t_cases():
    def params(channels, start_index=0, min_timescale=1.0, max_timescale=10000.0):
        return {
            "channels": channels,
            "min_timescale": min_timescale,
            "max_timescale": max_timescale,
            "start_index": start_index,
        }

    cases = [(f"channels={c}", params(c)) for c in [512, 511, 128, 4, 3, 2]]
    cases += [
        ("start_index=5/channels=128", params(128, start_index=5)),
        (
            "timescales-2-1000/channels=64",
            params(64, min_timescale=2.0, max_timescale=1000.0),
        ),
    ]
    return [
        embedding_case(f"tensor2tensor/{n}", "tensor2tensor", T_INT, p)
        for n, p in cases
    ]


def transformer_cases():
    cases = [
        ([0, 1, 5, 16, 31], 512, 32),
        ([0, 1, 7], 4, 8),
        ([0, 3, 31], 6, 32),
        ([0, 1, 500, 999, 1023], 128, 1024),
    ]
    return [
        embedding_case(
            f"transformer/embed_dim={D}/max_seq_length={L}",
            "transformer",
            t,
            {"embed_dim": D, "max_seq_length": L},
        )
        for t, D, L in cases
    ]


def gaussian_fourier_cases():
    def params(size, scale, log, flip):
        return {
            "embedding_size": size,
            "scale": scale,
            "log": log,
            "flip_sin_to_cos": flip,
        }

    cases = [
        (
            "unet2d-log/embedding_size=256/scale=16",
            SIGMAS,
            params(256, 16.0, True, False),
        ),
        ("log-flip/embedding_size=128/scale=16", SIGMAS, params(128, 16.0, True, True)),
        (
            "score-sde-ln-sigma/embedding_size=128/scale=16",
            sigma_inputs("ln"),
            params(128, 16.0, False, False),
        ),
        (
            "unet2dcond-t/embedding_size=160/scale=1",
            T_INT,
            params(160, 1.0, False, True),
        ),
        ("embedding_size=1/scale=16", SIGMAS, params(1, 16.0, True, False)),
        ("embedding_size=3/scale=1", SIGMAS, params(3, 1.0, True, True)),
    ]
    return [
        embedding_case(f"gaussian-fourier/{n}", "gaussian-fourier", t, p)
        for n, t, p in cases
    ]


def edm_positional_cases():
    def params(channels, endpoint, swap, max_positions=10000):
        return {
            "num_channels": channels,
            "max_positions": max_positions,
            "endpoint": endpoint,
            "swap_halves": swap,
        }

    cases = [
        (
            "ddpmpp-vp-endpoint-swap/num_channels=128",
            sigma_inputs("vp"),
            params(128, True, True),
        ),
        (
            "dhariwal-iddpm/num_channels=192",
            sigma_inputs("iddpm"),
            params(192, False, False),
        ),
        (
            "dhariwal-edm/num_channels=192",
            sigma_inputs("edm"),
            params(192, False, False),
        ),
        ("odd/num_channels=127", T_MAIN, params(127, False, False)),
        ("endpoint-nan/num_channels=2", T_MAIN, params(2, True, False)),
        ("num_channels=2", T_MAIN, params(2, False, False)),
        ("endpoint/num_channels=4", T_MAIN, params(4, True, True)),
        (
            "max_positions=1000/num_channels=64",
            T_MAIN,
            params(64, False, True, max_positions=1000),
        ),
    ]
    return [
        embedding_case(f"edm-positional/{n}", "edm-positional", t, p)
        for n, t, p in cases
    ]


def edm_fourier_cases():
    def params(channels, swap, scale=16.0):
        return {"num_channels": channels, "scale": scale, "swap_halves": swap}

    cases = [
        ("ncsnpp-ve-swap/num_channels=256", sigma_inputs("ve"), params(256, True)),
        ("edm-noswap/num_channels=256", sigma_inputs("edm"), params(256, False)),
        ("odd/num_channels=255", sigma_inputs("ve"), params(255, True)),
        ("num_channels=2/scale=1", T_MAIN, params(2, False, 1.0)),
    ]
    return [
        embedding_case(f"edm-fourier/{n}", "edm-fourier", t, p) for n, t, p in cases
    ]


def k_diffusion_cases():
    def params(in_features, out_features, std=1.0):
        return {"in_features": in_features, "out_features": out_features, "std": std}

    c = sigma_inputs("edm")
    cases = [
        ("image_v1/in=1/out=256", c, params(1, 256)),
        ("in=1/out=2", c, params(1, 2)),
        ("std=2/in=1/out=64", c, params(1, 64, 2.0)),
        ("in=2/out=128", [[v, 0.5 * k - 1] for k, v in enumerate(c)], params(2, 128)),
        ("in=3/out=16", [[v, -v, 2.0] for v in c], params(3, 16)),
    ]
    return [
        embedding_case(f"k-diffusion/{n}", "k-diffusion", t, p) for n, t, p in cases
    ]


def sgm_concat_cases():
    base = [
        [1024, 1024, 0, 0, 1024, 1024],
        [512, 512, 0, 0, 1024, 1024],
        [1024, 768, 64, 32, 1024, 768],
    ]
    refiner = [
        [1024, 1024, 0, 0, 6.0],
        [1024, 1024, 0, 0, 2.5],
        [768, 1024, 16, 8, 6.0],
    ]
    cases = [
        ("sdxl-base/outdim=256", base, 256),
        ("sdxl-refiner-aesthetic/outdim=256", refiner, 256),
        ("odd/outdim=255", [[1024, 0], [5000, 999.5]], 255),
        ("outdim=5", [[1, 2, 3]], 5),
        ("single-column/outdim=256", [[0], [500], [999]], 256),
    ]
    return [
        embedding_case(f"sgm-concat/{n}", "sgm-concat", t, {"outdim": d})
        for n, t, d in cases
    ]


def embedding_cases():
    groups = [
        diffusers_cases,
        flax_cases,
        adm_cases,
        flux_cases,
        ddpm_tf_cases,
        score_sde_cases,
        fairseq_cases,
        lucidrains_cases,
        lucidrains_random_cases,
        t2t_cases,
        transformer_cases,
        gaussian_fourier_cases,
        edm_positional_cases,
        edm_fourier_cases,
        k_diffusion_cases,
        sgm_concat_cases,
    ]
    return [case for group in groups for case in group()]


def c_noise_cases():
    cases = [
        ("edm-c-noise-vp", "vp", EDM_VP),
        ("vp-defaults", "vp", {}),
        (
            "vp-M500-beta_d10-beta_min0.5",
            "vp",
            {"M": 500, "beta_d": 10.0, "beta_min": 0.5},
        ),
        ("ve", "ve", {}),
        ("edm", "edm", {}),
        ("iddpm", "iddpm", EDM_IDDPM),
        ("iddpm-defaults", "iddpm", {}),
        ("iddpm-M100", "iddpm", {"M": 100, "C_1": 0.001, "C_2": 0.008}),
    ]
    out = []
    for name, precond, params in cases:
        result = c_noise(precond, SIGMAS_CNOISE, params).reshape(-1, 1)
        out.append(
            {
                "name": f"c_noise/{name}",
                "precond": precond,
                "sigma": SIGMAS_CNOISE,
                "params": params,
                "shape": list(result.shape),
                "data": b64_f32(result),
            }
        )
    return out


ACTIVATIONS = {"silu": F.silu, "gelu": F.gelu, "mish": F.mish, "relu": F.relu}


def mlp_case(act, n=5, d_in=32, hidden=64, d_out=48):
    name = f"mlp/{act}/in={d_in}/hidden={hidden}/out={d_out}"
    torch.manual_seed(seed_of(name))
    x = torch.randn(n, d_in)
    w1 = torch.randn(hidden, d_in) / math.sqrt(d_in)
    b1 = torch.randn(hidden) * 0.1
    w2 = torch.randn(d_out, hidden) / math.sqrt(hidden)
    b2 = torch.randn(d_out) * 0.1
    y = F.linear(ACTIVATIONS[act](F.linear(x, w1, b1)), w2, b2)
    return {
        "name": name,
        "act": act,
        "input": {"shape": [n, d_in], "data": b64_f32(x)},
        "w1": b64_f32(w1),
        "b1": b64_f32(b1),
        "w2": b64_f32(w2),
        "b2": b64_f32(b2),
        "shapes": {"w1": [hidden, d_in], "w2": [d_out, hidden]},
        "shape": list(y.shape),
        "data": b64_f32(y),
    }


# --------------------------------------------------------------------------------------
# Consistency with presets.ts, document assembly, formatting, --check
# --------------------------------------------------------------------------------------


def preset_param_names():
    """{preset id: [param names]} read from src/core/presets.ts, so that every case
    spells its params as the core does."""
    text = PRESETS_TS.read_text(encoding="utf-8")
    blocks = re.split(r"\n  \{\n    id: '", text)[1:]
    names = {}
    for block in blocks:
        preset = block.split("'", 1)[0]
        params_part = block.split("params:", 1)[1].split("inputTransforms:", 1)[0]
        names[preset] = re.findall(r"p\(\s*'([^']+)'", params_part)
    return names


def check_against_presets(cases):
    names = preset_param_names()
    covered = {case["request"]["preset"] for case in cases}
    missing = sorted(set(names) - covered)
    if missing:
        raise SystemExit(f"presets without fixture cases: {', '.join(missing)}")
    for case in cases:
        request = case["request"]
        expected = sorted(names[request["preset"]])
        if sorted(request["params"]) != expected:
            raise SystemExit(
                f"{case['name']}: params {sorted(request['params'])} != {expected}"
            )
    seen = set()
    for name in [c["name"] for c in cases]:
        if name in seen:
            raise SystemExit(f"duplicate case name {name}")
        seen.add(name)


def build_document():
    torch.set_num_threads(1)
    cases = embedding_cases()
    check_against_presets(cases)
    return {
        "generator": GENERATOR,
        "torch": torch.__version__,
        "cases": cases,
        "cNoise": c_noise_cases(),
        "mlp": [mlp_case(act) for act in ACTIVATIONS],
    }


def scalar_json(value):
    return json.dumps(value, allow_nan=False)


def to_json(value, indent=0):
    """Sorted keys, two-space indent, lists of scalars on one line (stable, compact)."""
    pad = "  " * (indent + 1)
    if isinstance(value, dict):
        items = [
            f"{pad}{json.dumps(k)}: {to_json(value[k], indent + 1)}"
            for k in sorted(value)
        ]
        return "{\n" + ",\n".join(items) + "\n" + "  " * indent + "}" if items else "{}"
    if isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            return "[" + ", ".join(scalar_json(v) for v in value) + "]"
        items = [pad + to_json(v, indent + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * indent + "]" if items else "[]"
    return scalar_json(value)


def first_difference(old, new):
    """A sentence naming the first thing that differs between two fixture documents."""
    for key in ["generator", "torch"]:
        if old.get(key) != new.get(key):
            file, now = old.get(key), new.get(key)
            return f"top-level '{key}' differs: file has {file!r}, generator {now!r}"
    for section in ["cases", "cNoise", "mlp"]:
        old_items, new_items = old.get(section, []), new.get(section, [])
        for k in range(max(len(old_items), len(new_items))):
            a = old_items[k] if k < len(old_items) else None
            b = new_items[k] if k < len(new_items) else None
            if a != b:
                name = (b or a)["name"]
                fields = sorted(
                    f
                    for f in set(a or {}) | set(b or {})
                    if (a or {}).get(f) != (b or {}).get(f)
                )
                return f"{section}[{k}] '{name}' differs in: {', '.join(fields)}"
    return "the files differ only in formatting"


def shown(path):
    return path.relative_to(ROOT) if path.resolve().is_relative_to(ROOT) else path


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if the checked-in fixture is not what this writes",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    options = parser.parse_args()
    text = to_json(build_document()) + "\n"
    if options.check:
        if not options.output.exists():
            print(
                f"{options.output} does not exist; run {GENERATOR} to write it",
                file=sys.stderr,
            )
            return 1
        current = options.output.read_text(encoding="utf-8")
        if current == text:
            print(f"{shown(options.output)} is up to date")
            return 0
        reason = first_difference(json.loads(current), json.loads(text))
        print(
            f"{shown(options.output)} is stale: {reason}. Rerun {GENERATOR}.",
            file=sys.stderr,
        )
        return 1
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(text, encoding="utf-8")
    print(f"wrote {shown(options.output)} ({len(text)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
