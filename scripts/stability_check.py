#!/usr/bin/env python3
"""Independent check of report/table/stability.go and report/table/power.go.

Default: reads {"acc": [[value per repeat] per λ ascending], "draws":
[[repeat index per draw position] per resample]} as JSON on stdin and
prints {"Best": counts, "OneSE": counts}: per λ, how many resamples chose
it as λ_best (best mean, ties to the larger λ) and λ_1se (the largest λ
whose mean is within one standard error, std(ddof=1)/√n, of the best), the
paired resample taking the same repeats at every λ. Needs numpy.

--power: prints δ = (t(0.975, n−1) + t(0.80, n−1))·sd/√n for the cases of
TestDetectableDiff, with scipy, and the exact power of the paired t-test
at that δ from the noncentral t (to show how close the approximation is).
"""
import json
import sys


def counts(acc, draws):
    import numpy as np
    acc = np.asarray(acc, dtype=float)
    best_c = [0] * len(acc)
    one_c = [0] * len(acc)
    for d in draws:
        x = acc[:, d]  # the same repeats at every λ
        means = x.mean(axis=1)
        ses = x.std(axis=1, ddof=1) / np.sqrt(x.shape[1])
        tie = lambda a, b: abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
        best = 0
        for i in range(len(means)):
            if means[i] > means[best] or tie(means[i], means[best]):
                best = i
        thr = means[best] - ses[best]
        one = best
        for i in range(len(means)):
            if (means[i] >= thr or tie(means[i], thr)) and i > one:
                one = i
        best_c[best] += 1
        one_c[one] += 1
    return {"Best": best_c, "OneSE": one_c}


def power():
    import numpy as np
    from scipy import stats
    for n, sd in [(2, 1.0), (5, 1.0), (5, 0.013), (10, 0.02), (30, 0.5)]:
        delta = (stats.t.ppf(0.975, n - 1) + stats.t.ppf(0.8, n - 1)) * sd / np.sqrt(n)
        nc = delta / (sd / np.sqrt(n))
        tc = stats.t.ppf(0.975, n - 1)
        exact = stats.nct.sf(tc, n - 1, nc) + stats.nct.cdf(-tc, n - 1, nc)
        print(f"{{{n}, {sd:g}, {delta!r}}}, // exact power {exact:.4f}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--power"]:
        power()
    else:
        json.dump(counts(**json.load(sys.stdin)), sys.stdout)
