#!/usr/bin/env python3
"""The convex yardstick's reference: scikit-learn fitting the L2 logistic
regression path that configs/bench-convex.yaml trains with lossexp.

  bench_sklearn.py split DATA.csv OUTDIR
      writes OUTDIR/train.csv and OUTDIR/test.csv: a stratified 70/30 split of
      DATA.csv (seeded, the same every time); lossexp's spec then trains on
      exactly train.csv's rows (split.test 0, split.test_csv test.csv).

  bench_sklearn.py fit TRAIN.csv --from A --to B --num N --tol T [--runs RUNS.csv]
      standardizes the features with the training rows' mean and population
      std (as lossexp does), fits LogisticRegression(solver="lbfgs") once per
      λ of the log-spaced grid, one after another without warm starts, and
      prints the fits' own time. lossexp minimises
          mean cross-entropy + λ·Σw²     (bias unpenalized)
      and scikit-learn  Σ cross-entropy + Σw²/(2C), the same problem times n
      at C = 1/(2nλ); its tol bounds the projected gradient of its own
      objective, so tol = n·g is lossexp's gradient threshold g.
      With --runs (lossexp's runs.csv of the same grid), compares the two
      optima: the objective (train.loss + λ·weight_l2; the lower is the
      nearer the minimum) and Σw² at each λ.

Needs Debian's python3-sklearn (apt-get install python3-sklearn).
"""
import argparse
import csv
import sys
import time

import numpy as np


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    t = header.index("target")
    X = np.array([[float(v) for j, v in enumerate(r) if j != t] for r in body])
    y = np.array([float(r[t]) for r in body])
    return header, body, X, y


def split(args):
    header, body, _, y = read(args.data)
    rng = np.random.RandomState(1)
    test = []
    for c in np.unique(y):
        idx = np.flatnonzero(y == c)
        rng.shuffle(idx)
        test.extend(idx[: int(round(0.3 * len(idx)))])
    test = set(int(i) for i in test)
    for name, keep in (("train.csv", lambda i: i not in test), ("test.csv", lambda i: i in test)):
        with open(f"{args.outdir}/{name}", "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(r for i, r in enumerate(body) if keep(i))


def fit(args):
    from sklearn.linear_model import LogisticRegression

    _, _, X, y = read(args.train)
    n = len(y)
    mean = X.mean(axis=0)
    sd = X.std(axis=0)
    sd[sd == 0] = 1
    X = (X - mean) / sd
    lams = np.logspace(np.log10(args.lam_from), np.log10(args.lam_to), args.num)
    fits = []
    t0 = time.perf_counter()
    for lam in lams:
        m = LogisticRegression(C=1 / (2 * n * lam), solver="lbfgs", tol=args.tol, max_iter=100000)
        m.fit(X, y)
        fits.append(m)
    secs = time.perf_counter() - t0
    iters = sum(int(m.n_iter_[0]) for m in fits)
    print(f"scikit-learn {__import__('sklearn').__version__}: {args.num} fits at tol {args.tol:g} in {secs:.3f} s "
          f"({iters} L-BFGS iterations in all), in-process")
    if not args.runs:
        return
    with open(args.runs, newline="") as f:
        runs = list(csv.DictReader(f))
    rel = []
    worst_w = 0.0
    for lam, m in zip(lams, fits):
        r = min(runs, key=lambda r: abs(float(r["lambda.l2"]) / lam - 1))
        if abs(float(r["lambda.l2"]) / lam - 1) > 1e-9:
            sys.exit(f"bench_sklearn.py: λ {lam:g} is not in {args.runs}")
        z = X @ m.coef_[0] + m.intercept_[0]
        ce = np.mean(np.logaddexp(0, z) - y * z)
        w2 = float(m.coef_[0] @ m.coef_[0])
        f_sk = ce + lam * w2
        f_lx = float(r["train.loss"]) + lam * float(r["weight_l2"])
        rel.append((f_lx - f_sk) / abs(f_sk))
        worst_w = max(worst_w, abs(float(r["weight_l2"]) - w2) / w2)
    # Lower is better: the two minimise the same convex objective, so the
    # lower value is the closer to the optimum.
    as_good = sum(d <= 1e-14 for d in rel)
    print(f"optima: lossexp's objective minus scikit-learn's, relative: {min(rel):+.1e} to {max(rel):+.1e}; "
          f"lossexp at least as low (to 1e-14) at {as_good} of {args.num} λ; Σw² within {worst_w:.1e}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("split")
    s.add_argument("data")
    s.add_argument("outdir")
    s.set_defaults(run=split)
    f = sub.add_parser("fit")
    f.add_argument("train")
    f.add_argument("--from", dest="lam_from", type=float, required=True)
    f.add_argument("--to", dest="lam_to", type=float, required=True)
    f.add_argument("--num", type=int, required=True)
    f.add_argument("--tol", type=float, required=True)
    f.add_argument("--runs")
    f.set_defaults(run=fit)
    args = p.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
