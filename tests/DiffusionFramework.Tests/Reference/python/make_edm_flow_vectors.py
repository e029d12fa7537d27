#!/usr/bin/python3
"""Reference trajectories for EDMEulerScheduler and FlowMatchEulerDiscreteScheduler.

diffusers itself cannot be installed here, so the two schedulers are re-written below from their source
(huggingface/diffusers, src/diffusers/schedulers/scheduling_edm_euler.py and
scheduling_flow_match_euler_discrete.py, 0.40.0.dev0), keeping every torch/numpy operation and dtype of the
original: float64 ramps and float32 sigmas, python-float scalars, the float32 upcast of the sample in step().
The output has the format of the shared diffusers reference files (see Data/reference/schedulers/README.md).

Run with Debian's python3 (torch 1.13, numpy 1.24):
    /usr/bin/python3 make_edm_flow_vectors.py [output folder]
"""
import gzip
import json
import math
import os
import sys

import numpy as np
import scipy.stats
import torch

SHAPE = (2, 3, 4, 4)
NOISE_SEED = 3


# ----------------------------------------------------------------------------------------------------------------
# EDMEulerScheduler
# ----------------------------------------------------------------------------------------------------------------
class EdmEuler:
    name = "EDMEulerScheduler"

    def __init__(self, sigma_min=0.002, sigma_max=80.0, sigma_data=0.5, sigma_schedule="karras",
                 num_train_timesteps=1000, prediction_type="epsilon", rho=7.0, final_sigmas_type="zero"):
        if sigma_schedule not in ("karras", "exponential"):
            raise ValueError(sigma_schedule)
        if final_sigmas_type not in ("zero", "sigma_min"):
            raise ValueError(final_sigmas_type)
        self.config = dict(sigma_min=sigma_min, sigma_max=sigma_max, sigma_data=sigma_data,
                           sigma_schedule=sigma_schedule, num_train_timesteps=num_train_timesteps,
                           prediction_type=prediction_type, rho=rho, final_sigmas_type=final_sigmas_type)
        self.init_noise_sigma = (sigma_max ** 2 + 1) ** 0.5

    def _spaced(self, ramp):
        c = self.config
        if c["sigma_schedule"] == "karras":
            lo = c["sigma_min"] ** (1 / c["rho"])
            hi = c["sigma_max"] ** (1 / c["rho"])
            return (hi + ramp * (lo - hi)) ** c["rho"]
        # exponential: float32 linspace of the logs (torch's default dtype), float32 exp, flipped
        return torch.linspace(math.log(c["sigma_min"]), math.log(c["sigma_max"]), len(ramp)).exp().flip(0)

    def set_timesteps(self, n):
        ramp = torch.linspace(0, 1, n, dtype=torch.float64)
        sig = self._spaced(ramp).to(torch.float32)
        self.timesteps = 0.25 * torch.log(sig)
        last = sig[-1] if self.config["final_sigmas_type"] == "sigma_min" else 0
        self.sigmas = torch.cat([sig, torch.full((1,), fill_value=last)])

    def scale_model_input(self, sample, i):
        sigma = self.sigmas[i]
        return sample * (1 / ((sigma ** 2 + self.config["sigma_data"] ** 2) ** 0.5))

    def _denoised(self, sample, out, sigma):
        sd = self.config["sigma_data"]
        c_skip = sd ** 2 / (sigma ** 2 + sd ** 2)
        if self.config["prediction_type"] == "epsilon":
            c_out = sigma * sd / (sigma ** 2 + sd ** 2) ** 0.5
        elif self.config["prediction_type"] == "v_prediction":
            c_out = -sigma * sd / (sigma ** 2 + sd ** 2) ** 0.5
        else:
            raise ValueError(self.config["prediction_type"])
        return c_skip * sample + c_out * out

    def step(self, out, i, sample, s_churn=0.0, s_tmin=0.0, s_tmax=float("inf"), s_noise=1.0, draw=None):
        sample = sample.to(torch.float32)
        sigma = self.sigmas[i]
        gamma = min(s_churn / (len(self.sigmas) - 1), 2 ** 0.5 - 1) if s_tmin <= sigma <= s_tmax else 0.0
        sigma_hat = sigma * (gamma + 1)
        if gamma > 0:
            eps = draw(out.shape, out.dtype) * s_noise
            sample = sample + eps * (sigma_hat ** 2 - sigma ** 2) ** 0.5
        x0 = self._denoised(sample, out, sigma_hat)
        d = (sample - x0) / sigma_hat
        prev = sample + d * (self.sigmas[i + 1] - sigma_hat)
        return prev.to(out.dtype)


# ----------------------------------------------------------------------------------------------------------------
# FlowMatchEulerDiscreteScheduler
# ----------------------------------------------------------------------------------------------------------------
class FlowMatchEuler:
    name = "FlowMatchEulerDiscreteScheduler"

    def __init__(self, num_train_timesteps=1000, shift=1.0, use_dynamic_shifting=False, base_shift=0.5,
                 max_shift=1.15, base_image_seq_len=256, max_image_seq_len=4096, invert_sigmas=False,
                 shift_terminal=None, use_karras_sigmas=False, use_exponential_sigmas=False, use_beta_sigmas=False,
                 time_shift_type="exponential", stochastic_sampling=False):
        if sum([use_karras_sigmas, use_exponential_sigmas, use_beta_sigmas]) > 1 or \
                time_shift_type not in ("exponential", "linear"):
            raise ValueError("bad config")
        self.config = dict(num_train_timesteps=num_train_timesteps, shift=shift,
                           use_dynamic_shifting=use_dynamic_shifting, base_shift=base_shift, max_shift=max_shift,
                           base_image_seq_len=base_image_seq_len, max_image_seq_len=max_image_seq_len,
                           invert_sigmas=invert_sigmas, shift_terminal=shift_terminal,
                           use_karras_sigmas=use_karras_sigmas, use_exponential_sigmas=use_exponential_sigmas,
                           use_beta_sigmas=use_beta_sigmas, time_shift_type=time_shift_type,
                           stochastic_sampling=stochastic_sampling)
        T = num_train_timesteps
        train = torch.from_numpy(np.linspace(1, T, T, dtype=np.float32)[::-1].copy()).to(torch.float32) / T
        if not use_dynamic_shifting:
            train = shift * train / (1 + (shift - 1) * train)
        self.shift = shift
        self.sigma_min = train[-1].item()
        self.sigma_max = train[0].item()
        self.init_noise_sigma = None  # the scheduler defines none

    def set_timesteps(self, n, mu=None):
        c = self.config
        T = c["num_train_timesteps"]
        if c["use_dynamic_shifting"] and mu is None:
            raise ValueError("mu is required")
        sig = np.linspace(self.sigma_max * T, self.sigma_min * T, n) / T
        if c["use_dynamic_shifting"]:
            num = math.exp(mu) if c["time_shift_type"] == "exponential" else mu
            sig = num / (num + (1 / sig - 1) ** 1.0)
        else:
            sig = self.shift * sig / (1 + (self.shift - 1) * sig)
        if c["shift_terminal"]:
            one_minus = 1 - sig
            sig = 1 - (one_minus / (one_minus[-1] / (1 - c["shift_terminal"])))
        if c["use_karras_sigmas"]:
            lo, hi, rho = sig[-1].item(), sig[0].item(), 7.0
            ramp = np.linspace(0, 1, n)
            sig = (hi ** (1 / rho) + ramp * (lo ** (1 / rho) - hi ** (1 / rho))) ** rho
        elif c["use_exponential_sigmas"]:
            sig = np.exp(np.linspace(math.log(sig[0].item()), math.log(sig[-1].item()), n))
        elif c["use_beta_sigmas"]:
            lo, hi = sig[-1].item(), sig[0].item()
            sig = np.array([lo + (scipy.stats.beta.ppf(q, 0.6, 0.6) * (hi - lo)) for q in 1 - np.linspace(0, 1, n)])
        sig = torch.from_numpy(sig).to(dtype=torch.float32)
        ts = sig * T
        if c["invert_sigmas"]:
            sig = 1.0 - sig
            ts = sig * T
            sig = torch.cat([sig, torch.ones(1)])
        else:
            sig = torch.cat([sig, torch.zeros(1)])
        self.timesteps = ts
        self.sigmas = sig

    def scale_model_input(self, sample, i):
        return sample

    def step(self, out, i, sample, draw=None):
        sample = sample.to(torch.float32)
        sigma, sigma_next = self.sigmas[i], self.sigmas[i + 1]
        if self.config["stochastic_sampling"]:
            x0 = sample - sigma * out
            prev = (1.0 - sigma_next) * x0 + sigma_next * draw(sample.shape, sample.dtype)
        else:
            prev = sample + (sigma_next - sigma) * out
        return prev.to(out.dtype)


# ----------------------------------------------------------------------------------------------------------------
# The shared loop, model and file format
# ----------------------------------------------------------------------------------------------------------------
def model(x_in, t):
    tf = float(t)
    s = 1.0 - tf / 1000.0
    a = 1.0 - 0.5 * (s * s)
    b = 0.1 * s
    x = x_in.to(torch.float64)
    return (x * a + b * torch.tanh(x)).to(x_in.dtype)


def base(seed):
    g = torch.Generator("cpu").manual_seed(seed)
    return torch.randn(SHAPE, generator=g, dtype=torch.float32).to(torch.float64)


def run(cls, overrides, n, ts_kwargs, step_kwargs, dtype, replay=None):
    sch = cls(**overrides)
    sch.set_timesteps(n, **ts_kwargs)
    ins = sch.init_noise_sigma if sch.init_noise_sigma is not None else 1.0
    x = (base(2) * ins).to(dtype)
    gen = torch.Generator("cpu").manual_seed(NOISE_SEED)
    drawn, queue = [], list(replay or [])

    def draw(shape, dt):
        v = queue.pop(0).to(dt) if replay is not None else torch.randn(shape, generator=gen, dtype=dt)
        drawn[-1] = v
        return v

    samples, scales = [], []
    for i, t in enumerate(sch.timesteps):
        x_in = sch.scale_model_input(x, i)
        k = int(torch.argmax(x.abs().flatten()))
        scales.append(float(x_in.flatten()[k] / x.flatten()[k]))
        drawn.append(None)
        x = sch.step(model(x_in, t), i, x, draw=draw, **step_kwargs)
        samples.append(x)
    return sch, ins, samples, drawn, scales


def flat(t):
    return [float(v) for v in t.to(torch.float64).flatten().tolist()]


def make_case(cls, case_id, overrides, n, tags, ts_kwargs=None, step_kwargs=None):
    ts_kwargs, step_kwargs = ts_kwargs or {}, step_kwargs or {}
    sch, ins, samples, drawn, scales = run(cls, overrides, n, ts_kwargs, step_kwargs, torch.float64)
    stochastic = any(d is not None for d in drawn)
    _, _, s32, _, _ = run(cls, overrides, n, ts_kwargs, step_kwargs, torch.float32,
                          replay=[d for d in drawn if d is not None] if stochastic else None)
    abs_diff = max(float((a - b.to(torch.float64)).abs().max()) for a, b in zip(samples, s32))
    rel_diff = max(float((a - b.to(torch.float64)).abs().max() / a.abs().max()) for a, b in zip(samples, s32))
    case = {
        "id": case_id, "scheduler_class": cls.name, "config": sch.config, "config_overrides": overrides,
        "num_inference_steps": n, "set_timesteps_kwargs": ts_kwargs, "step_kwargs": step_kwargs, "tags": tags,
        "timesteps": flat(sch.timesteps), "timesteps_dtype": str(sch.timesteps.dtype).replace("torch.", ""),
        "num_model_evaluations": len(sch.timesteps), "sigmas": flat(sch.sigmas),
        "sigmas_dtype": str(sch.sigmas.dtype).replace("torch.", ""), "init_noise_sigma": ins,
        "init_noise_sigma_defined_by_scheduler": sch.init_noise_sigma is not None, "model_input_scale": scales,
        "x_T": flat(base(2) * ins), "stochastic": stochastic, "samples": [flat(s) for s in samples],
        "final_sample": flat(samples[-1]), "float32_run_max_abs_diff": abs_diff,
        "float32_run_max_rel_diff": rel_diff,
        "max_abs_sample_value": max(float(s.abs().max()) for s in samples),
    }
    if stochastic:
        case["step_noises"] = [None if d is None else flat(d) for d in drawn]
        case["step_noises_note"] = ("step_noises[i] is the tensor drawn inside step i from a "
                                    "torch.Generator('cpu').manual_seed(3) shared by the loop; null = none drawn.")
    return case


def edm_cases():
    cases = []
    for schedule in ("karras", "exponential"):
        for pred in ("epsilon", "v_prediction"):
            for n in (10, 25):
                o = {"sigma_schedule": schedule, "prediction_type": pred}
                cases.append(make_case(EdmEuler, f"EDMEulerScheduler/{schedule}/steps{n}/{pred}/default", o, n,
                                       {"sigma_schedule": schedule, "steps": n, "prediction_type": pred,
                                        "variant": "default"}))
    extra = [
        ("karras", "epsilon", 10, {"final_sigmas_type": "sigma_min"}, {}, "final_sigma_min"),
        ("exponential", "v_prediction", 25, {"final_sigmas_type": "sigma_min"}, {}, "final_sigma_min"),
        ("karras", "epsilon", 25, {"sigma_min": 0.01, "sigma_max": 120.0, "sigma_data": 1.0, "rho": 5.0}, {},
         "custom_range"),
        ("exponential", "epsilon", 10, {"sigma_min": 0.03, "sigma_max": 14.6, "sigma_data": 0.7}, {},
         "custom_range"),
        ("karras", "epsilon", 10, {}, {"s_churn": 1.0}, "churn1"),
        ("karras", "v_prediction", 25, {}, {"s_churn": 40.0, "s_tmin": 0.05, "s_tmax": 50.0, "s_noise": 1.003},
         "churn40_window"),
    ]
    for schedule, pred, n, more, step_kwargs, variant in extra:
        o = {"sigma_schedule": schedule, "prediction_type": pred, **more}
        cases.append(make_case(EdmEuler, f"EDMEulerScheduler/{schedule}/steps{n}/{pred}/{variant}", o, n,
                               {"sigma_schedule": schedule, "steps": n, "prediction_type": pred, "variant": variant},
                               step_kwargs=step_kwargs))
    return cases


def flow_cases():
    variants = [
        ("shift1", {"shift": 1.0}, {}),
        ("shift3", {"shift": 3.0}, {}),
        ("dynamic_exponential_mu1.15", {"use_dynamic_shifting": True}, {"mu": 1.15}),
        ("dynamic_linear_mu3", {"use_dynamic_shifting": True, "time_shift_type": "linear"}, {"mu": 3.0}),
        ("shift3_terminal0.1", {"shift": 3.0, "shift_terminal": 0.1}, {}),
        ("shift3_karras", {"shift": 3.0, "use_karras_sigmas": True}, {}),
        ("shift1_exponential", {"shift": 1.0, "use_exponential_sigmas": True}, {}),
        ("shift3_beta", {"shift": 3.0, "use_beta_sigmas": True}, {}),
    ]
    cases = []
    for variant, o, ts_kwargs in variants:
        for n in (10, 25):
            cases.append(make_case(FlowMatchEuler, f"FlowMatchEulerDiscreteScheduler/steps{n}/{variant}", o, n,
                                   {"steps": n, "variant": variant}, ts_kwargs=ts_kwargs))
    extra = [
        ("dynamic_exponential_mu0.5_terminal0.2_karras", 25,
         {"use_dynamic_shifting": True, "shift_terminal": 0.2, "use_karras_sigmas": True}, {"mu": 0.5}),
        ("shift2_invert", 10, {"shift": 2.0, "invert_sigmas": True}, {}),
        ("shift3_stochastic", 10, {"shift": 3.0, "stochastic_sampling": True}, {}),
    ]
    for variant, n, o, ts_kwargs in extra:
        cases.append(make_case(FlowMatchEuler, f"FlowMatchEulerDiscreteScheduler/steps{n}/{variant}", o, n,
                               {"steps": n, "variant": variant}, ts_kwargs=ts_kwargs))
    return cases


MODEL_DOC = {
    "model_formula": "u = t / 1000; model_output = x * (1 - 0.5 * (1 - u)^2) + 0.1 * (1 - u) * tanh(x)",
    "model_formula_details": (
        "Elementwise, evaluated in float64. x = scheduler.scale_model_input(sample, t) (the sample itself for "
        "FlowMatchEuler); t = float64(timestep) as stored in 'timesteps' (EDMEuler: c_noise = 0.25*log(sigma); "
        "FlowMatch: sigma*1000). s = 1.0 - t / 1000.0; a = 1.0 - 0.5 * (s * s); b = 0.1 * s; out = x * a + b * tanh(x)."),
    "model_formula_csharp": ("double s = 1.0 - t / 1000.0; double a = 1.0 - 0.5 * (s * s); double b = 0.1 * s; "
                             "for (int i = 0; i < n; i++) output[i] = x[i] * a + b * Math.Tanh(x[i]);"),
}


def same_samples(cases):
    for i, c in enumerate(cases):
        c["same_samples_as"] = [p["id"] for p in cases[:i] if p["timesteps"] == c["timesteps"]
                                and p["x_T"] == c["x_T"] and p["samples"] == c["samples"]]


def write(folder, cls, cases):
    same_samples(cases)
    doc = {
        "format_version": 1, "family": "sampling", "scheduler_class": cls.name,
        "description": ("Full sampling loops: scheduler = Class(**config_overrides); scheduler.set_timesteps("
                        "num_inference_steps, **set_timesteps_kwargs); x = x_T; for t in timesteps: x_in = "
                        "scheduler.scale_model_input(x, t); out = model(x_in, t); x = scheduler.step(out, t, x, "
                        "**step_kwargs).prev_sample; samples[i] = x."),
        "notes": ("Computed by a transcription of the diffusers scheduler (make_edm_flow_vectors.py), NOT by "
                  "diffusers itself. step() casts the sample to float32."),
        "provenance": {"diffusers_version_transcribed": "0.40.0.dev0 (58eb52c)", "torch_version": torch.__version__,
                       "numpy_version": np.__version__, "how": "tests/DiffusionFramework.Tests/Reference/python/"
                                                              "make_edm_flow_vectors.py"},
        **MODEL_DOC,
        "shape": list(SHAPE), "layout": "flat row-major lists of 96 float64 numbers for shape [2,3,4,4]",
        "sample_dtype": "float64", "x_T_base": {"seed": 2, "values": flat(base(2))},
        "scheduler_noise_seed": NOISE_SEED, "num_cases": len(cases), "cases": cases,
    }
    path = os.path.join(folder, f"sampling_{cls.name}.json.gz")
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as f:
        f.write(json.dumps(doc, allow_nan=False).encode("utf-8"))
    os.replace(tmp, path)
    print(f"{path}: {len(cases)} cases")


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "..", "Data", "reference", "schedulers")
    torch.set_num_threads(1)
    write(out, EdmEuler, edm_cases())
    write(out, FlowMatchEuler, flow_cases())
