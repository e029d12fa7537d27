"""The same U-Net as DiffusionFramework.Core.Networks.UNet, in PyTorch, timing the same training step as Program.cs.

Usage: /usr/bin/python3 unet_train_step.py [--config digits.json] [--size 8] [--batch 64] [--threads 2]
       [--warmup 5] [--steps 30] [--expect-params N]
Prints one line: "pytorch ms_per_step=... params=...". With --expect-params it fails unless the parameter count matches.
"""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F
from torch import nn


def conv(dims, cin, cout, k, stride=1, padding=0):
    return (nn.Conv1d if dims == 1 else nn.Conv2d)(cin, cout, k, stride=stride, padding=padding)


def zeroed(module):
    for p in module.parameters():
        nn.init.zeros_(p)
    return module


def timestep_embedding(t, dim, max_period=10000.0):
    """diffusers get_timestep_embedding with flip_sin_to_cos=True, downscale_freq_shift=0."""
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    emb = torch.cat([torch.cos(args), torch.sin(args)], dim=1)
    return F.pad(emb, (0, 1)) if dim % 2 else emb


class ResidualBlock(nn.Module):
    def __init__(self, dims, cin, cout, ted, groups, dropout, scale_shift):
        super().__init__()
        self.dims, self.scale_shift = dims, scale_shift
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = conv(dims, cin, cout, 3, padding=1)
        self.time_emb_proj = nn.Linear(ted, 2 * cout if scale_shift else cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.dropout = nn.Dropout(dropout)
        self.conv2 = zeroed(conv(dims, cout, cout, 3, padding=1))
        self.conv_shortcut = None if cin == cout else conv(dims, cin, cout, 1)

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        e = self.time_emb_proj(F.silu(emb))
        e = e.view(*e.shape, *([1] * self.dims))
        if self.scale_shift:
            scale, shift = e.chunk(2, dim=1)
            h = self.norm2(h) * (scale + 1) + shift
        else:
            h = self.norm2(h + e)
        h = self.conv2(self.dropout(F.silu(h)))
        return (x if self.conv_shortcut is None else self.conv_shortcut(x)) + h


class SelfAttention(nn.Module):
    def __init__(self, channels, head_channels, groups):
        super().__init__()
        self.channels, self.heads = channels, channels // head_channels
        self.norm = nn.GroupNorm(groups, channels)
        self.qkv = nn.Conv1d(channels, 3 * channels, 1)
        self.proj_out = zeroed(nn.Conv1d(channels, channels, 1))

    def forward(self, x):
        b = x.shape[0]
        h = self.qkv(self.norm(x).flatten(2))
        length = h.shape[2]
        q, k, v = h.view(b, 3, self.heads, self.channels // self.heads, length).permute(1, 0, 2, 4, 3).unbind(0)
        # torch 1.13 has no scaled_dot_product_attention: softmax(q kᵀ / √d) v
        weights = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1]), dim=-1)
        merged = (weights @ v).transpose(2, 3).reshape(b, self.channels, length)
        return x + self.proj_out(merged).view(x.shape)


class Downsample(nn.Module):
    def __init__(self, dims, channels):
        super().__init__()
        self.conv = conv(dims, channels, channels, 3, stride=2, padding=1)

    def forward(self, x):
        return self.conv(x)


class Upsample(nn.Module):
    def __init__(self, dims, channels):
        super().__init__()
        self.conv = conv(dims, channels, channels, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Level(nn.Module):
    def __init__(self, res, attn, resample):
        super().__init__()
        self.res, self.attn, self.resample = nn.ModuleList(res), nn.ModuleList(attn), resample


class UNet(nn.Module):
    def __init__(self, c):
        super().__init__()
        dims, mc, mult, nrb = c["dims"], c["model_channels"], c["channel_mult"], c["num_res_blocks"]
        ted = c.get("time_embed_dim") or 4 * mc
        g, drop, ss, hc = c["norm_groups"], c["dropout"], c["use_scale_shift_norm"], c["num_head_channels"]
        att = set(c["attention_resolutions"])
        self.mc = mc
        self.num_classes = c["num_classes"]

        def res(cin, cout):
            return ResidualBlock(dims, cin, cout, ted, g, drop, ss)

        self.time_embedding = nn.Sequential(nn.Linear(mc, ted), nn.SiLU(), nn.Linear(ted, ted))
        self.class_embedding = nn.Embedding(self.num_classes + 1, ted) if self.num_classes > 0 else None
        self.conv_in = conv(dims, c["in_channels"] + c["context_channels"], mc, 3, padding=1)
        skips, ch, down = [mc], mc, []
        for level, m in enumerate(mult):
            last = level == len(mult) - 1
            blocks = [res(ch if i == 0 else mc * m, mc * m) for i in range(nrb)]
            ch = mc * m
            attn = [SelfAttention(ch, hc, g) for _ in range(nrb)] if (1 << level) in att else []
            down.append(Level(blocks, attn, None if last else Downsample(dims, ch)))
            skips += [ch] * (nrb + (0 if last else 1))
        self.down = nn.ModuleList(down)
        self.mid = nn.ModuleList([res(ch, ch), SelfAttention(ch, hc, g), res(ch, ch)])
        up = []
        for level in reversed(range(len(mult))):
            out = mc * mult[level]
            blocks = []
            for i in range(nrb + 1):
                blocks.append(res((ch if i == 0 else out) + skips.pop(), out))
            ch = out
            attn = [SelfAttention(ch, hc, g) for _ in range(nrb + 1)] if (1 << level) in att else []
            up.append(Level(blocks, attn, None if level == 0 else Upsample(dims, ch)))
        self.up = nn.ModuleList(up)
        self.norm_out = nn.GroupNorm(g, ch)
        self.conv_out = zeroed(conv(dims, ch, c["out_channels"], 3, padding=1))

    def forward(self, x, t, labels=None):
        emb = self.time_embedding(timestep_embedding(t, self.mc))
        if self.class_embedding is not None:
            if labels is None:
                labels = torch.full((x.shape[0],), self.num_classes, dtype=torch.long)
            emb = emb + self.class_embedding(labels)
        h = self.conv_in(x)
        skips = [h]
        for level in self.down:
            for i, block in enumerate(level.res):
                h = block(h, emb)
                if len(level.attn):
                    h = level.attn[i](h)
                skips.append(h)
            if level.resample is not None:
                h = level.resample(h)
                skips.append(h)
        h = self.mid[2](self.mid[1](self.mid[0](h, emb)), emb)
        for level in self.up:
            for i, block in enumerate(level.res):
                h = block(torch.cat([h, skips.pop()], dim=1), emb)
                if len(level.attn):
                    h = level.attn[i](h)
            if level.resample is not None:
                h = level.resample(h)
        return self.conv_out(F.silu(self.norm_out(h)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", default="digits.json")
    for name, default in [("size", 8), ("batch", 64), ("threads", 2), ("warmup", 5), ("steps", 30), ("expect-params", 0)]:
        p.add_argument("--" + name, type=int, default=default)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    with open(a.config) as f:
        config = json.load(f)
    net = UNet(config).train()
    params = sum(p.numel() for p in net.parameters())
    if a.expect_params and params != a.expect_params:
        raise SystemExit(f"parameter count {params} differs from the C# network's {a.expect_params}")
    opt = torch.optim.AdamW(net.parameters(), lr=1e-4, weight_decay=0.01)
    abar_all = torch.cumprod(1 - torch.linspace(1e-4, 0.02, 1000, dtype=torch.float64), 0).float()
    shape = [a.batch, config["in_channels"]] + [a.size] * config["dims"]

    def step():
        x0, noise = torch.randn(shape), torch.randn(shape)
        t = torch.randint(0, 1000, (a.batch,))
        labels = torch.randint(0, config["num_classes"], (a.batch,)) if config["num_classes"] > 0 else None
        abar = abar_all[t].view(a.batch, *([1] * (len(shape) - 1)))
        xt = abar.sqrt() * x0 + (1 - abar).sqrt() * noise
        opt.zero_grad()
        loss = F.mse_loss(net(xt, t, labels), noise)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    start = time.perf_counter()
    for _ in range(a.steps):
        last = step()
    ms = (time.perf_counter() - start) * 1000 / a.steps
    print(f"pytorch ms_per_step={ms:.2f} params={params} batch={a.batch} threads={torch.get_num_threads()} "
          f"steps={a.steps} last_loss={last:.4f} torch={torch.__version__}")


if __name__ == "__main__":
    main()
