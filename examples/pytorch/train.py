#!/usr/bin/env python3
"""A PyTorch trainer for lossexp's trainer: section (see README.md, "Your own
model").

An MLP classifies 8x8 digit images. Its hidden layer (the encoder) is shared
with two added terms:

  recon  an auxiliary decoder reconstructs the input from the hidden layer
         (mean squared error); it pulls the shared encoder towards keeping
         what the pixels need, not what the class needs
  decay  weight decay, the sum of squared weights of the encoder and the
         classifier (not the decoder, not the biases)

    L = CE(task) + λ_recon·MSE(recon) + λ_decay·Σw²

Every epoch it writes a curve point to $LOSSEXP_RUN_DIR/metrics.jsonl, and on
a few steps per epoch it measures, with autograd on the encoder's weights
(the parameters all three losses share), the cosine between the task's
gradient and each term's weighted gradient and the ratio of their norms:
lossexp's gradient-conflict analysis reads grad.cos.<term>,
grad.ratio.<term> and grad.conflict.<term>.

Budget and checkpoints: it trains $LOSSEXP_EPOCHS epochs (lossexp sets it
from trainer.max_epochs, or a halving rung's budget; --epochs overrides it,
40 without either). After every epoch it saves the model, the optimizer, the
epoch and the random state to $LOSSEXP_CHECKPOINT_DIR/state.pt, and when it
finds that file it continues after the saved epoch: a retried attempt or the
next halving rung trains only the epochs it adds, and ends where an
uninterrupted run would.

The 300 training rows are followed by 500 validation rows (lossexp chooses λ
on validation.accuracy) and the rest for test.

Data: by default a generated set of 8x8 digit glyphs (10 stroke templates,
random shifts, stroke widths and pixel noise, drawn from the run's seed), so
that the example needs nothing but torch. --data PATH reads a CSV with
columns p0..p63,target instead (scikit-learn's digits; values 0..16).
"""

import argparse
import json
import math
import os
import sys
import time

try:
    import torch
    import torch.nn.functional as F
except ImportError as err:
    sys.exit(f"train.py: {sys.executable} cannot import torch ({err}): install torch for it "
             "(Debian: apt-get install python3-torch, for /usr/bin/python3) or name a python "
             "that has torch in trainer.command[0] of digits.yaml")

TEMPLATES = [  # 8x8 strokes of the digits 0-9
    ["..####..", ".#....#.", ".#....#.", ".#....#.", ".#....#.", ".#....#.", ".#....#.", "..####.."],
    ["...##...", "..###...", "...##...", "...##...", "...##...", "...##...", "...##...", "..####.."],
    ["..####..", ".#....#.", "......#.", ".....#..", "....#...", "...#....", "..#.....", ".######."],
    ["..####..", ".#....#.", "......#.", "...###..", "......#.", "......#.", ".#....#.", "..####.."],
    [".....#..", "....##..", "...#.#..", "..#..#..", ".######.", ".....#..", ".....#..", ".....#.."],
    [".######.", ".#......", ".#......", ".#####..", "......#.", "......#.", ".#....#.", "..####.."],
    ["..####..", ".#......", ".#......", ".#####..", ".#....#.", ".#....#.", ".#....#.", "..####.."],
    [".######.", "......#.", ".....#..", "....#...", "...#....", "...#....", "...#....", "...#...."],
    ["..####..", ".#....#.", ".#....#.", "..####..", ".#....#.", ".#....#.", ".#....#.", "..####.."],
    ["..####..", ".#....#.", ".#....#.", "..#####.", "......#.", "......#.", ".....#..", "..###..."],
]


def glyphs(n, gen):
    """n noisy 8x8 glyphs (values 0..16) and their labels."""
    base = torch.tensor([[[1.0 if c == "#" else 0.0 for c in row] for row in t] for t in TEMPLATES])
    y = torch.randint(0, 10, (n,), generator=gen)
    img = base[y]
    # thicken some strokes, shift by up to one pixel, add noise
    thick = torch.rand(n, generator=gen) < 0.4
    fat = torch.clamp(img + torch.roll(img, 1, dims=2), max=1.0)
    img = torch.where(thick[:, None, None], fat, img)
    dx = torch.randint(-1, 2, (n,), generator=gen)
    dy = torch.randint(-1, 2, (n,), generator=gen)
    out = torch.empty_like(img)
    for i in range(n):
        out[i] = torch.roll(img[i], shifts=(int(dy[i]), int(dx[i])), dims=(0, 1))
    out = out * 16 * (0.6 + 0.4 * torch.rand(n, 1, 1, generator=gen))
    out = out + 4.0 * torch.randn(out.shape, generator=gen)
    return torch.clamp(out, 0, 16).reshape(n, 64), y


def load_csv(path):
    rows = []
    with open(path) as f:
        header = f.readline().strip().split(",")
        if header[-1] != "target" or len(header) != 65:
            sys.exit(f"{path}: want columns p0..p63,target")
        for line in f:
            if line.strip():
                rows.append([float(v) for v in line.split(",")])
    t = torch.tensor(rows)
    return t[:, :64], t[:, 64].long()


class Net(torch.nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.enc = torch.nn.Linear(64, hidden)
        self.cls = torch.nn.Linear(hidden, 10)
        self.dec = torch.nn.Linear(hidden, 64)

    def forward(self, x):
        h = torch.tanh(self.enc(x))
        return self.cls(h), self.dec(h)


STATE = "state.pt"


def load_state(ckpt, net, opt, gen, sums):
    """Restores what save_state kept in the folder ckpt; returns the epoch it
    had finished (0 when there is nothing to continue from)."""
    path = os.path.join(ckpt or "", STATE)
    if not ckpt or not os.path.isfile(path):
        return 0
    st = torch.load(path, weights_only=False)
    net.load_state_dict(st["model"])
    opt.load_state_dict(st["optimizer"])
    gen.set_state(st["generator"])
    torch.set_rng_state(st["torch_rng"])
    sums.update(st["sums"])
    return st["epoch"]


def save_state(ckpt, net, opt, gen, sums, epoch):
    """Saves the model, the optimizer, the random state and the gradient
    statistics after epoch in the folder ckpt (a temporary file renamed over
    the last state: a kill mid-write leaves the previous one)."""
    if not ckpt:
        return
    tmp = os.path.join(ckpt, STATE + ".tmp")
    torch.save({"model": net.state_dict(), "optimizer": opt.state_dict(), "epoch": epoch,
                "generator": gen.get_state(), "torch_rng": torch.get_rng_state(), "sums": sums}, tmp)
    os.replace(tmp, os.path.join(ckpt, STATE))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--recon", type=float, required=True, help="λ of the reconstruction term")
    p.add_argument("--decay", type=float, required=True, help="λ of weight decay")
    p.add_argument("--seed", type=int, required=True)
    p.add_argument("--epochs", type=int, default=None,
                   help="epochs to train (default: $LOSSEXP_EPOCHS, else 40)")
    p.add_argument("--hidden", type=int, default=24)
    p.add_argument("--train", type=int, default=300, help="training rows")
    p.add_argument("--validation", type=int, default=500, help="validation rows (after the training rows; the rest is test)")
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--data", help="CSV p0..p63,target (default: generated glyphs)")
    a = p.parse_args()
    if a.epochs is None:
        a.epochs = int(os.environ.get("LOSSEXP_EPOCHS") or 40)
    run_dir = os.environ.get("LOSSEXP_RUN_DIR", ".")
    out = open(os.path.join(run_dir, "metrics.jsonl"), "w")

    torch.set_num_threads(1)  # lossexp runs several trainers at once
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    if a.data:
        x, y = load_csv(a.data)
        perm = torch.randperm(len(y), generator=gen)
        x, y = x[perm], y[perm]
    else:
        x, y = glyphs(a.train + a.validation + 1000, gen)
    x = x / 16.0
    v = a.train + a.validation
    xtr, ytr, xva, yva, xte, yte = x[: a.train], y[: a.train], x[a.train:v], y[a.train:v], x[v:], y[v:]
    mean, std = xtr.mean(0), xtr.std(0) + 1e-3
    xtr, xva, xte = (xtr - mean) / std, (xva - mean) / std, (xte - mean) / std

    net = Net(a.hidden)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    decayed = [net.enc.weight, net.cls.weight]
    shared = [net.enc.weight]  # what the task and both terms share
    lam = {"recon": a.recon, "decay": a.decay}
    sums = {t: {"cos": 0.0, "ratio": 0.0, "neg": 0, "n": 0} for t in lam}

    def losses(xb, yb):
        logits, rec = net(xb)
        return {
            "task": F.cross_entropy(logits, yb),
            "recon": F.mse_loss(rec, xb),
            "decay": sum((w * w).sum() for w in decayed),
        }

    ckpt = os.environ.get("LOSSEXP_CHECKPOINT_DIR")
    first = 1 + load_state(ckpt, net, opt, gen, sums)

    batch = 32
    steps = (a.train + batch - 1) // batch
    measure = set(range(0, steps, max(1, steps // 4)))  # 4 steps per epoch
    for epoch in range(first, a.epochs + 1):
        order = torch.randperm(a.train, generator=gen)
        ep = {"task": 0.0, "gtask": 0.0, "n": 0, "m": 0}
        ecos = {t: [0.0, 0] for t in lam}
        egrad = {t: 0.0 for t in lam}
        for s in range(steps):
            idx = order[s * batch:(s + 1) * batch]
            ls = losses(xtr[idx], ytr[idx])
            total = ls["task"] + sum(lam[t] * ls[t] for t in lam)
            if s in measure:
                gt = torch.autograd.grad(ls["task"], shared, retain_graph=True)[0].flatten()
                gtn = gt.norm().item()
                ep["gtask"] += gtn
                ep["m"] += 1
                for t in lam:
                    if lam[t] == 0:
                        continue
                    g = torch.autograd.grad(lam[t] * ls[t], shared, retain_graph=True)[0].flatten()
                    gn = g.norm().item()
                    egrad[t] += gn
                    if gn == 0 or gtn == 0:
                        continue
                    cos = torch.dot(g, gt).item() / (gn * gtn)
                    ecos[t][0] += cos
                    ecos[t][1] += 1
                    st = sums[t]
                    st["cos"] += cos
                    st["ratio"] += gn / gtn
                    st["neg"] += cos < 0
                    st["n"] += 1
            opt.zero_grad()
            total.backward()
            opt.step()
            ep["task"] += ls["task"].item()
            ep["n"] += 1
        with torch.no_grad():
            full = losses(xtr, ytr)
            logits, _ = net(xte)
            test_loss = F.cross_entropy(logits, yte).item()
            acc = (logits.argmax(1) == yte).float().mean().item()
        line = {"epoch": epoch, "loss.task": ep["task"] / ep["n"],
                "loss.total": full["task"].item() + sum(lam[t] * full[t].item() for t in lam),
                "loss.recon": full["recon"].item(), "loss.decay": full["decay"].item(),
                "grad.task": ep["gtask"] / max(ep["m"], 1),
                "test.loss": test_loss, "test.accuracy": acc}
        for t in lam:
            line["grad." + t] = egrad[t] / max(ep["m"], 1)
            if ecos[t][1]:
                line["grad.cos." + t] = ecos[t][0] / ecos[t][1]
        out.write(json.dumps(line) + "\n")
        save_state(ckpt, net, opt, gen, sums, epoch)

    with torch.no_grad():
        logits, rec = net(xte)
        vlogits, _ = net(xva)
        final = {
            "final": True,
            "validation.accuracy": (vlogits.argmax(1) == yva).float().mean().item(),
            "validation.loss": F.cross_entropy(vlogits, yva).item(),
            "test.accuracy": (logits.argmax(1) == yte).float().mean().item(),
            "test.loss": F.cross_entropy(logits, yte).item(),
            "test.recon_mse": F.mse_loss(rec, xte).item(),
            "train.accuracy": (net(xtr)[0].argmax(1) == ytr).float().mean().item(),
            "weight_l2": sum((w * w).sum() for w in decayed).item(),
        }
    for t, st in sums.items():
        if st["n"]:
            final["grad.cos." + t] = st["cos"] / st["n"]
            final["grad.ratio." + t] = st["ratio"] / st["n"]
            final["grad.conflict." + t] = st["neg"] / st["n"]
    out.write(json.dumps(final) + "\n")
    out.close()


if __name__ == "__main__":
    main()
