#!/usr/bin/python3
"""PyTorch reference for the lossexp speed yardstick (configs/bench-digits.yaml).

The same work as `lossexp sweep configs/bench-digits.yaml --workers 2`, done
with a plain PyTorch CPU training loop:

  data     8x8 digits (digits.csv: p0..p63 pixel ints 0-16, target 0-9),
           25% test split stratified by class, features standardized with the
           training split's mean/std (population std; a zero std divides by 1)
  model    MLP 64-128-64-10, ReLU, PyTorch's default nn.Linear initialization
  loss     mean softmax cross-entropy + lambda * sum(w^2) over the three weight
           matrices (biases excluded), added by hand, NOT Adam's weight_decay
  train    Adam lr 1e-3 (default betas/eps), batch 32 reshuffled every epoch
           (the last, partial batch is kept), 20 epochs
  grid     lambda = 0 plus logspace(1e-6, 1e-2, 8)  ->  9 values x 3 repeats = 27 runs
  workers  2 processes (multiprocessing), torch.set_num_threads(1) in each

Runs are paired like lossexp's: repeat r uses the same split, initialization
and batch order at every lambda, derived from (seed, r) only. The random
streams are NOT lossexp's, so accuracies agree with the Go results only
roughly (same distribution, not the same numbers).

dtype: float32 by default (PyTorch's default dtype). lossexp computes in
float64, so `--dtype float64` gives the like-for-like arithmetic; both are
worth looking at.

--batched: the strongest peer. Every lambda of a repeat is one stacked model
(weights of shape [lambdas, in, out], torch.baddbmm) trained on the same
mini-batches: the loss is the sum over lambda of each lambda's loss, so each
slice of the stack gets exactly its own run's gradient, and Adam (element-wise)
makes the same updates as one model per run. One job per repeat (3 stacked
models of 9 lambdas), --workers processes of --threads threads each.
--check-batched trains repeat 0 both ways for --epochs epochs and prints the
largest difference of the per-lambda final training loss and weights
(float64: rounding only, the products are summed in another order).

Only the final train/test accuracy of each run is evaluated (no per-epoch
evaluation). The reported GFLOP/s counts only the training matmuls:
6 * batch * sum(in*out) flops per step (2 per multiply-add forward, 4 backward),
summed over all steps of all runs, divided by the wall time and by the number
of workers (= cores used).

Not used by CI. Needs Debian's PyTorch: apt-get install -y python3-torch, and
run with /usr/bin/python3 (Debian's python, not a pyenv one).
"""

import time

T_PROCESS_START = time.perf_counter()  # before the (slow) torch import

import os

# One thread per worker, BLAS included: Debian's torch calls the system
# OpenBLAS (pthread build), which otherwise keeps a helper thread per core.
# Must be set before OpenBLAS is loaded (import torch). An explicit setting wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import csv
import math
import multiprocessing as mp
import subprocess
import sys

import numpy as np
import torch
import torch.nn.functional as F

LAYERS = [64, 128, 64, 10]


def default_data_path():
    env = os.environ.get("LOSSEXP_SHARED_DATASETS")
    if env:
        return os.path.join(env, "sklearn", "digits.csv")
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=here,
                             capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        top = os.path.dirname(here)
    return os.path.join(top, "datasets", "sklearn", "digits.csv")


def load_digits(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    feat = [f"p{i}" for i in range(64)]
    missing = [c for c in feat + ["target"] if c not in header]
    if missing:
        sys.exit(f"{path}: missing columns {missing}")
    idx = [header.index(c) for c in feat]
    ti = header.index("target")
    X = np.array([[float(r[i]) for i in idx] for r in body], dtype=np.float64)
    y = np.array([int(float(r[ti])) for r in body], dtype=np.int64)
    return X, y


def stratified_split(y, test_frac, rng):
    """Per class: shuffle, put round(n_c * test_frac) rows in test."""
    test = []
    for c in np.unique(y):
        members = np.flatnonzero(y == c)
        rng.shuffle(members)
        test.extend(members[: int(round(len(members) * test_frac))])
    mask = np.zeros(len(y), dtype=bool)
    mask[np.array(test)] = True
    return np.flatnonzero(~mask), np.flatnonzero(mask)


def lambdas():
    return [0.0] + list(np.logspace(-6, -2, 8))


# Per-worker state, filled by the pool initializer.
_W = {}


def _init_worker(X, y, args):
    torch.set_num_threads(args.threads)
    _W.update(X=X, y=y, args=args)


def _openblas_core():
    try:
        import ctypes
        lib = ctypes.CDLL("libopenblas.so.0")
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib.openblas_get_corename().decode()
    except (OSError, AttributeError):
        return "?"


def repeat_setup(a, X, y, rep, dtype):
    """The split, standardized tensors and initial model of repeat rep.
    Everything random depends on (seed, repeat) only: common random numbers across lambda."""
    rng = np.random.RandomState(a.seed * 100003 + rep)
    tr, te = stratified_split(y, 0.25, rng)
    mu = X[tr].mean(axis=0)
    sd = X[tr].std(axis=0)
    sd[sd == 0] = 1.0
    Xtr = torch.tensor((X[tr] - mu) / sd, dtype=dtype)
    Xte = torch.tensor((X[te] - mu) / sd, dtype=dtype)
    ytr = torch.tensor(y[tr])
    yte = torch.tensor(y[te])

    torch.manual_seed(a.seed * 100003 + rep)
    model = torch.nn.Sequential(
        torch.nn.Linear(LAYERS[0], LAYERS[1]), torch.nn.ReLU(),
        torch.nn.Linear(LAYERS[1], LAYERS[2]), torch.nn.ReLU(),
        torch.nn.Linear(LAYERS[2], LAYERS[3]),
    ).to(dtype)
    return Xtr, Xte, ytr, yte, model


def run_one(job):
    li, lam, rep = job
    a, X, y = _W["args"], _W["X"], _W["y"]
    dtype = torch.float64 if a.dtype == "float64" else torch.float32
    t0 = time.perf_counter()
    c0 = time.process_time()

    Xtr, Xte, ytr, yte, model = repeat_setup(a, X, y, rep, dtype)
    weights = [m.weight for m in model if isinstance(m, torch.nn.Linear)]
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    gen = torch.Generator().manual_seed(a.seed * 100003 + rep)

    n = Xtr.shape[0]
    steps = 0
    samples = 0
    for _ in range(a.epochs):
        perm = torch.randperm(n, generator=gen)
        for s in range(0, n, a.batch):
            b = perm[s:s + a.batch]
            xb, yb = Xtr[b], ytr[b]
            loss = F.cross_entropy(model(xb), yb)
            # Always add the term (also at lambda = 0) so every run does the same work.
            loss = loss + lam * sum((w * w).sum() for w in weights)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            steps += 1
            samples += len(b)

    with torch.no_grad():
        train_acc = (model(Xtr).argmax(1) == ytr).double().mean().item()
        test_acc = (model(Xte).argmax(1) == yte).double().mean().item()
        train_loss = F.cross_entropy(model(Xtr), ytr).item()
        wl2 = sum((w.double() ** 2).sum().item() for w in weights)
    return dict(li=li, lam=lam, rep=rep, train_acc=train_acc, test_acc=test_acc,
                train_loss=train_loss, weights=[w.detach().t().clone() for w in weights] if a.keep_weights else None,
                weight_l2=wl2, steps=steps, samples=samples,
                seconds=time.perf_counter() - t0, cpu_seconds=time.process_time() - c0,
                pid=os.getpid())


def run_repeat(rep):
    """Every lambda of repeat rep as one stacked model on the same mini-batches."""
    a, X, y = _W["args"], _W["X"], _W["y"]
    dtype = torch.float64 if a.dtype == "float64" else torch.float32
    t0 = time.perf_counter()
    c0 = time.process_time()
    Xtr, Xte, ytr, yte, model = repeat_setup(a, X, y, rep, dtype)
    lams = lambdas()
    L = len(lams)
    lam = torch.tensor(lams, dtype=dtype)
    lin = [m for m in model if isinstance(m, torch.nn.Linear)]
    # W[l]: [L, in, out] (x·W, nn.Linear's weight transposed), b[l]: [L, 1, out];
    # every lambda starts from the same initialization, as one model per run does.
    W = [m.weight.detach().t().unsqueeze(0).repeat(L, 1, 1).contiguous().requires_grad_() for m in lin]
    B = [m.bias.detach().view(1, 1, -1).repeat(L, 1, 1).contiguous().requires_grad_() for m in lin]
    opt = torch.optim.Adam(W + B, lr=a.lr)
    gen = torch.Generator().manual_seed(a.seed * 100003 + rep)

    def forward(x):
        h = x.unsqueeze(0).expand(L, -1, -1)
        for i in range(len(W)):
            h = torch.baddbmm(B[i], h, W[i])
            if i < len(W) - 1:
                h = torch.relu(h)
        return h  # [L, rows, classes]

    def per_lambda_ce(x, yy):
        out = forward(x)
        k = out.shape[-1]
        return F.cross_entropy(out.reshape(-1, k), yy.repeat(L), reduction="none").view(L, -1).mean(1)

    n = Xtr.shape[0]
    steps = samples = 0
    for _ in range(a.epochs):
        perm = torch.randperm(n, generator=gen)
        for s in range(0, n, a.batch):
            b = perm[s:s + a.batch]
            loss = per_lambda_ce(Xtr[b], ytr[b]) + lam * sum((w * w).sum((1, 2)) for w in W)
            opt.zero_grad(set_to_none=True)
            loss.sum().backward()
            opt.step()
            steps += 1
            samples += len(b)

    res = []
    with torch.no_grad():
        tr_acc = (forward(Xtr).argmax(-1) == ytr).double().mean(1)
        te_acc = (forward(Xte).argmax(-1) == yte).double().mean(1)
        tr_loss = per_lambda_ce(Xtr, ytr)
        wl2 = sum((w.double() ** 2).sum((1, 2)) for w in W)
    sec, cpu = time.perf_counter() - t0, time.process_time() - c0
    for li in range(L):
        res.append(dict(li=li, lam=lams[li], rep=rep, train_acc=tr_acc[li].item(), test_acc=te_acc[li].item(),
                        train_loss=tr_loss[li].item(),
                        weights=[w[li].detach().clone() for w in W] if a.keep_weights else None,
                        weight_l2=wl2[li].item(), steps=steps, samples=samples,
                        seconds=sec / L, cpu_seconds=cpu / L, pid=os.getpid()))
    return res


def check_batched(a, X, y):
    """Repeat 0 one model per lambda and stacked: the largest differences."""
    a.keep_weights = True
    _init_worker(X, y, a)
    per_run = [run_one((li, lam, 0)) for li, lam in enumerate(lambdas())]
    stacked = run_repeat(0)
    dloss = max(abs(p["train_loss"] - s["train_loss"]) / abs(p["train_loss"]) for p, s in zip(per_run, stacked))
    dw = max((pw - sw).abs().max().item() for p, s in zip(per_run, stacked) for pw, sw in zip(p["weights"], s["weights"]))
    dacc = max(abs(p["train_acc"] - s["train_acc"]) for p, s in zip(per_run, stacked))
    tol = 1e-9 if a.dtype == "float64" else 1e-5
    ok = dloss <= tol
    print(f"check-batched {a.dtype}, repeat 0, {len(per_run)} lambdas, {a.epochs} epochs: "
          f"final training loss max rel. diff {dloss:.3g}, weights max abs diff {dw:.3g}, "
          f"train accuracy max diff {dacc:.3g} -> {'same' if ok else 'DIFFERENT'} (tolerance {tol:g})")
    for p, s in zip(per_run, stacked):
        print(f"  lambda {p['lam']:10.4g}: per-run loss {p['train_loss']:.12g}  stacked {s['train_loss']:.12g}")
    return ok


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default=default_data_path(), help="path to digits.csv")
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dtype", choices=["float32", "float64"], default="float32",
                   help="float32 = PyTorch's default; lossexp uses float64")
    p.add_argument("--start-method", choices=["fork", "spawn", "forkserver"], default="fork")
    p.add_argument("--quiet", action="store_true", help="no per-lambda accuracy table")
    p.add_argument("--threads", type=int, default=1, help="torch threads in each worker process")
    p.add_argument("--batched", action="store_true",
                   help="every lambda of a repeat as one stacked model (one job per repeat)")
    p.add_argument("--check-batched", action="store_true",
                   help="train repeat 0 per run and stacked, print the largest differences, exit 1 if they differ")
    a = p.parse_args()
    a.keep_weights = False

    if not os.path.isfile(a.data):
        sys.exit(f"bench_torch.py: dataset not found: {a.data} "
                 "(set LOSSEXP_SHARED_DATASETS or pass --data)")

    X, y = load_digits(a.data)
    if a.check_batched:
        sys.exit(0 if check_batched(a, X, y) else 1)
    lams = lambdas()
    jobs = [(li, lam, r) for li, lam in enumerate(lams) for r in range(a.repeats)]
    fn = run_one
    if a.batched:
        jobs, fn = list(range(a.repeats)), run_repeat

    # The parent runs no torch op before forking (no OpenMP pool to inherit).
    ctx = mp.get_context(a.start_method)
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    with ctx.Pool(a.workers, initializer=_init_worker, initargs=(X, y, a)) as pool:
        results = list(pool.imap_unordered(fn, jobs, chunksize=1))
    if a.batched:
        results = [r for rs in results for r in rs]
    wall = time.perf_counter() - t0
    wall_process = time.perf_counter() - T_PROCESS_START
    load1 = os.getloadavg()[0]
    cpu = sum(r["cpu_seconds"] for r in results)

    macs = sum(LAYERS[i] * LAYERS[i + 1] for i in range(len(LAYERS) - 1))
    samples = sum(r["samples"] for r in results)
    steps = sum(r["steps"] for r in results)
    flops = 6.0 * macs * samples
    per_worker = {}
    for r in results:
        per_worker[r["pid"]] = per_worker.get(r["pid"], 0) + 1

    print(f"torch {torch.__version__}  dtype={a.dtype}  {'batched over lambda (one stacked model per repeat)  ' if a.batched else ''}workers={a.workers} "
          f"(runs per worker: {sorted(per_worker.values())})  "
          f"torch threads/worker={a.threads}  OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}  "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '<unset>')} (core {_openblas_core()})")
    print(f"runs={len(results)}  steps={steps}  samples={samples}  "
          f"train flops={flops / 1e9:.2f} GFLOP (6*{macs}*samples)")
    print(f"wall seconds (pool start to last result): {wall:.3f}")
    print(f"wall seconds (incl. interpreter + torch import): {wall_process:.3f}")
    print(f"runs/s: {len(results) / wall:.3f}")
    print(f"effective GFLOP/s per core: {flops / wall / a.workers / 1e9:.3f}")
    print(f"mean seconds per run (inside worker): wall {np.mean([r['seconds'] for r in results]):.3f}, "
          f"cpu {cpu / len(results):.3f}")
    print(f"worker CPU seconds (sum over runs): {cpu:.3f}  -> GFLOP per CPU-second: {flops / cpu / 1e9:.3f}")
    print(f"1-min load average: {load0:.2f} before, {load1:.2f} after "
          f"({os.cpu_count()} CPUs; other work on the machine inflates wall time)")

    if not a.quiet:
        print()
        print(f"{'lambda':>12}  {'n':>2}  {'test.acc mean':>13}  {'test.acc std':>12}  "
              f"{'train.acc mean':>14}  {'weight_l2 mean':>14}")
        for li, lam in enumerate(lams):
            rs = [r for r in results if r["li"] == li]
            te = np.array([r["test_acc"] for r in rs])
            tr = np.array([r["train_acc"] for r in rs])
            wl = np.array([r["weight_l2"] for r in rs])
            sd = te.std(ddof=1) if len(te) > 1 else float("nan")
            print(f"{lam:12.4g}  {len(rs):2d}  {te.mean():13.4f}  {sd:12.4f}  "
                  f"{tr.mean():14.4f}  {wl.mean():14.3f}")

    # One machine-readable line for scripts/bench.sh.
    print(f"BENCH backend=torch-{'batched-' if a.batched else ''}{a.dtype} wall_s={wall:.4f} wall_process_s={wall_process:.4f} "
          f"runs={len(results)} runs_per_s={len(results) / wall:.4f} "
          f"gflops_per_core={flops / wall / a.workers / 1e9:.4f} cpu_s={cpu:.4f}")


if __name__ == "__main__":
    main()
