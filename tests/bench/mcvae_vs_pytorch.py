#!/usr/bin/env python3
"""The mcVAE trained by a plain PyTorch eager loop, as the peer of `maskstudio-cli train`
(issue 20, point 6). Same data (the CSV and the schema `maskstudio-cli schema --json` infers),
same architecture and settings (the preset's), same split size, batch, epochs, optimiser, StepLR,
sparsity schedule and loss; one intra-op thread like the preset. Prints the training loop's
seconds and the final losses as JSON. Run by tests/bench/mcvae_vs_pytorch.sh, which times both
in one run; needs Debian's python3-torch (apt-get install -y python3-torch).
"""
import argparse
import csv
import json
import math
import time

import torch
from torch import nn


def load(csv_path, schema):
    with open(csv_path, newline="") as f:
        rows = list(csv.DictReader(f))
    out_cols = [c for k in schema["keypoints"] for c in (k["xColumn"], k["yColumn"])] + [o["column"] for o in schema["outputs"]]
    x = torch.tensor([[float(r[c]) for c in out_cols] for r in rows])
    lo, hi = x.min(0).values, x.max(0).values
    x = (x - lo) / (hi - lo).clamp_min(1e-9)
    cats = []
    for c in schema["categorical"]:
        index = {name: i for i, name in enumerate(c["classes"])}
        cats.append([index.get(str(r[c["column"]]).strip(), -1) for r in rows])
    cat = torch.tensor(cats, dtype=torch.long).t().contiguous() if cats else torch.zeros(len(rows), 0, dtype=torch.long)
    nums, known = [], []
    for c in schema["numerical"]:
        vals = []
        for r in rows:
            try:
                vals.append((float(r[c["column"]]) - c["min"]) / max(c["max"] - c["min"], 1e-9))
            except ValueError:
                vals.append(float("nan"))
        nums.append(vals)
    num = torch.tensor(nums).t().contiguous() if nums else torch.zeros(len(rows), 0)
    known = (~num.isnan()).float()
    num = torch.nan_to_num(num)
    return x, cat, num, known, [len(c["classes"]) for c in schema["categorical"]]


class ConditionEmbedding(nn.Module):
    def __init__(self, class_counts, numerical, dim):
        super().__init__()
        self.offsets = torch.tensor([0] + [n + 1 for n in class_counts[:-1]]).cumsum(0) if class_counts else torch.zeros(0)
        self.table = nn.Parameter(torch.randn(sum(n + 1 for n in class_counts), dim))
        self.num_weight = nn.Parameter(torch.randn(numerical, dim))
        self.num_bias = nn.Parameter(torch.zeros(numerical, dim))
        self.num_missing = nn.Parameter(torch.randn(numerical, dim))

    def forward(self, cat, num, known):
        b = cat.shape[0]
        parts = [self.table[(cat + 1 + self.offsets).reshape(-1)].view(b, -1)]
        k = known.unsqueeze(2)
        parts.append((k * (num.unsqueeze(2) * self.num_weight + self.num_bias) + (1 - k) * self.num_missing).view(b, -1))
        return torch.cat(parts, 1)


class McVae(nn.Module):
    def __init__(self, outputs, class_counts, numerical, arch):
        super().__init__()
        embed, hidden, latent, dim = arch["input_embedding"], arch["encoder_hidden"], arch["latent_dim"], arch["condition_embedding"]
        enc = [nn.Linear(outputs, embed)]
        width = embed
        for h in hidden:
            enc += [nn.Linear(width, h), nn.SELU()]
            width = h
        enc.append(nn.Linear(width, 2 * latent))
        self.encoder = nn.Sequential(*enc)
        self.conditions = ConditionEmbedding(class_counts, numerical, dim)
        dec, width = [], latent + (len(class_counts) + numerical) * dim
        for h in reversed(hidden):
            dec += [nn.Linear(width, h), nn.SELU()]
            width = h
        dec.append(nn.Linear(width, outputs))
        self.decoder = nn.Sequential(*dec)
        self.latent = latent

    def forward(self, x, cat, num, known):
        stats = self.encoder(x)
        mu, logvar = stats[:, : self.latent], stats[:, self.latent :]
        z = mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)
        return self.decoder(torch.cat([z, self.conditions(cat, num, known)], 1)), mu, logvar


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--schema", required=True, help="maskstudio-cli schema --json output (its last line)")
    ap.add_argument("--preset", required=True)
    ap.add_argument("--epochs", type=int)
    ap.add_argument("--threads", type=int, default=1, help="intra-op threads (the preset's is 1)")
    a = ap.parse_args()
    t0 = time.perf_counter()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    preset = json.load(open(a.preset))
    schema = json.loads(open(a.schema).read().strip().splitlines()[-1])
    tr = preset["training"]
    epochs = a.epochs or tr["epochs"]
    x, cat, num, known, counts = load(a.data, schema)
    n = x.shape[0] - int(round(tr["test_fraction"] * x.shape[0]))
    perm = torch.randperm(x.shape[0])[:n]
    x, cat, num, known = x[perm], cat[perm], num[perm], known[perm]
    model = McVae(x.shape[1], counts, num.shape[1], preset["architecture"])
    opt = torch.optim.AdamW(model.parameters(), lr=tr["lr"], betas=(tr["beta1"], tr["beta2"]), weight_decay=tr["weight_decay"])
    sched = torch.optim.lr_scheduler.StepLR(opt, tr["lr_step_epochs"], tr["lr_gamma"])
    b, kl_w, batch = tr["kl_weight"], tr["kl_weight"], tr["batch_size"]
    steps = math.ceil(n / batch)
    total = steps * epochs
    s0, s1 = tr["sparsity"]["start"], tr["sparsity"]["end"]
    step = 0
    t1 = time.perf_counter()
    for _ in range(epochs):
        order = torch.randperm(n)
        sse_sum = kl_sum = 0.0
        for s in range(steps):
            idx = order[s * batch : (s + 1) * batch]
            p = s0 + (s1 - s0) * step / max(total - 1, 1)
            keep = torch.rand(len(idx), cat.shape[1] + num.shape[1]) >= p
            c = torch.where(keep[:, : cat.shape[1]], cat[idx], torch.full_like(cat[idx], -1))
            k = known[idx] * keep[:, cat.shape[1] :]
            xb = x[idx]
            rec, mu, logvar = model(xb, c, num[idx], k)
            sse = (rec - xb).square().sum()
            kl = 0.5 * (mu.square() + logvar.exp() - 1 - logvar).sum() / len(idx)
            loss = (1 - kl_w) * sse + kl_w * kl
            opt.zero_grad()
            loss.backward()
            opt.step()
            sse_sum += sse.item()
            kl_sum += kl.item()
            step += 1
        sched.step()
    t2 = time.perf_counter()
    print(json.dumps({"train_rows": n, "epochs": epochs, "updates": step, "loop_seconds": t2 - t1, "process_seconds": t2 - t0,
                      "ms_per_update": 1000 * (t2 - t1) / step, "last_sse_per_row": sse_sum / n}))


if __name__ == "__main__":
    main()
