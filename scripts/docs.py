#!/usr/bin/env python3
"""Rewrite the generated blocks of README.md and docs/ from study results.

Called by scripts/docs.sh, which runs the studies first:

    scripts/docs.py RESULTS [--check]

RESULTS holds one folder per study (RESULTS/<name>/summary.csv, …) and the
answer each sweep printed (RESULTS/<name>.out). A generated block is

    <!-- generated: NAME -->
    …
    <!-- end: NAME -->

(each marker at the start of its line) and its text is what
GENERATORS[NAME] returns. Figures a block shows are
copied to docs/figures/<study>_<file>. With --check nothing is written: a
block or figure that differs from what the results give is shown as a diff
and the exit status is 1.
"""

import csv
import difflib
import filecmp
import glob
import math
import os
import re
import shutil
import sys
import textwrap

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
# Blocks another script writes (with the machine and the date), left as
# they are: halving-agreement is DOCS=1 scripts/halving.sh's (minutes of
# sweeps).
WRITTEN_ELSEWHERE = {"halving-agreement"}

BLOCK = re.compile(r"^(<!-- generated: ([\w.-]+) -->\n)(.*?)^(<!-- end: \2 -->)", re.S | re.M)

results = None  # set by main
figures = {}  # docs/figures/<name> -> source file


# Studies the check does not run (they need torch and minutes): their
# tables are committed in docs/data/<study>/ by `scripts/docs.sh --stored
# DIR`, which also copies their figures; blocks are generated from them.
STORED = {"pytorch-digits"}


def source(study):
    if study in STORED:
        return os.path.join(ROOT, "docs", "data", study)
    return os.path.join(results, study)


def table(study, name):
    with open(os.path.join(source(study), name), newline="") as f:
        return list(csv.DictReader(f))


def summary(study):
    return table(study, "summary.csv")


def num(s):
    return float(s) if s not in ("", None) else math.nan


def g(x, sig=4):
    """λ as lossexp prints it: 4 significant digits, whole numbers in full."""
    if x == 0:
        return "0"
    if x == int(x) and abs(x) < 1e7:
        return str(int(x))
    return re.sub(r"e([+-])0*(\d)", r"e\1\2", "%.*g" % (sig, x)).replace("e+", "e")


def f(x, d=3):
    if math.isnan(x):
        return "–"
    s = "%.*f" % (d, x)
    return s.replace("-", "−") if x < 0 and float(s) != 0 else s.lstrip("-")


def pm(row, metric, d=3):
    """mean ± half-width of the 95% CI over the repeats, from summary.csv."""
    m = num(row[metric + ".mean"])
    half = num(row[metric + ".ci_high"]) - m
    if math.isnan(half):
        return f(m, d)
    return "%s ± %s" % (f(m, d), f(half, d))


def md(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def lam_rows(study, term, keep=None):
    rows = summary(study)
    if keep is not None:
        rows = [r for r in rows if g(num(r["lambda." + term])) in keep]
    return rows


def metric_table(study, term, cols, keep=None, d=3):
    """λ then mean ± CI half-width of each metric in cols [(metric, header, digits)]."""
    header = ["λ"] + [h for _, h, _ in cols]
    rows = []
    for r in lam_rows(study, term, keep):
        rows.append([g(num(r["lambda." + term]))] + [pm(r, m, dd) for m, _, dd in cols])
    return md(header, rows)


def paired_note(study, term, metric):
    """λ → "+0.010 [−0.023, +0.043], n.s." from paired.csv for one metric."""
    out = {}
    for r in table(study, "paired.csv"):
        if r["term"] == term and r["metric"] == metric:
            sign = lambda x: ("+" if x >= 0 else "") + f(x)
            out[g(num(r["lambda"]))] = "%s [%s, %s], %s" % (
                sign(num(r["mean_diff"])), sign(num(r["ci_low"])), sign(num(r["ci_high"])), r["effect"])
    return out


def balance(study, term, point, fixed=""):
    for r in table(study, "balance.csv"):
        if r["term"] == term and r["point"] == point and r["fixed"] == fixed:
            return r
    raise SystemExit("docs.py: %s/balance.csv has no %s %s" % (study, term, point))


def figure(study, name, alt):
    """An image line for docs/<page> (page depth given by the caller's prefix)."""
    dest = "%s_%s" % (study, name)
    if study not in STORED:
        figures[dest] = os.path.join(results, study, name)
    elif not os.path.exists(os.path.join(ROOT, "docs", "figures", dest)):
        sys.exit("docs.py: docs/figures/%s is missing: run scripts/docs.sh --stored on a %s sweep" % (dest, study))
    return alt, "figures/" + dest


def image(study, name, alt, up=""):
    alt, path = figure(study, name, alt)
    return "![%s](%s%s)\n" % (alt, up, path)


def answer(study):
    """The answer the sweep printed, as a user sees it from the repository."""
    text = open(os.path.join(results, study + ".out")).read()
    return text.replace(os.path.join(results, ""), "results/")


def sample_lambdas(study, term, k=4):
    """The λ of the panels of samples_<term>.png: up to k runs of repeat 0
    spread evenly over samples.csv (report.pickRuns)."""
    seen = []
    for r in table(study, "samples.csv"):
        if r["run_id"] not in [x[0] for x in seen]:
            seen.append((r["run_id"], g(num(r["lambda." + term]))))
    if len(seen) > k:
        seen = [seen[int(round(i * (len(seen) - 1) / (k - 1)))] for i in range(k)]
    lams = [l for _, l in seen]
    return ", ".join(lams[:-1]) + " and " + lams[-1]


def with_column(table_md, header, cells):
    """Adds a column to a table md() made: cells by λ (first column)."""
    lines = table_md.rstrip("\n").split("\n")
    lines[0] += " %s |" % header
    lines[1] += "---|"
    for i in range(2, len(lines)):
        lam = lines[i].split("|")[1].strip()
        lines[i] += " %s |" % cells.get(lam, "")
    return "\n".join(lines) + "\n"


def point(study, term, name, fixed=""):
    return g(num(balance(study, term, name, fixed)["lambda"]))


# Student's t 0.975 quantiles by degrees of freedom (1–30).
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def paired_runs(study, term, metric):
    """λ → (mean difference from λ = 0, 95% CI low, high, repeats up, n) of a
    metric, repeat by repeat from runs.csv (paired.csv pairs only the
    selection split)."""
    by = {}
    for r in table(study, "runs.csv"):
        if r["status"] == "ok":
            by.setdefault(g(num(r["lambda." + term])), {})[r["repeat"]] = num(r[metric])
    base = by["0"]
    out = {}
    for lam, reps in by.items():
        if lam == "0":
            continue
        d = [v - base[k] for k, v in reps.items() if k in base]
        n = len(d)
        mean = sum(d) / n
        sd = math.sqrt(sum((x - mean) ** 2 for x in d) / (n - 1))
        half = T975[n - 2] * sd / math.sqrt(n)
        out[lam] = (mean, mean - half, mean + half, sum(x > 0 for x in d), n)
    return out


def signed(x, d=3):
    return ("+" if x >= 0 else "") + f(x, d) if f(x, d) != "0.000" else "0.000"


# --- the blocks ---------------------------------------------------------

def tour_sweep():
    rows = summary("quickstart")
    runs = sum(int(r["n"]) for r in rows)
    reps = int(rows[0]["n"])
    out = "It trains %d λ × %d repeats = %d runs and ends by printing its answer:\n\n" % (len(rows), reps, runs)
    return out + "".join("    " + l + "\n" for l in answer("quickstart").rstrip("\n").split("\n"))


def tour_answer():
    best = balance("quickstart", "l2", "lambda_best")
    se = balance("quickstart", "l2", "lambda_1se")
    over = balance("quickstart", "l2", "lambda_overshadow")
    return (
        "The best validation accuracy is at λ_best = %s (test accuracy there\n"
        "%s); the largest λ within one standard error of it, λ_1se = %s, is the\n"
        "answer to quote (test accuracy %s [%s, %s]); from\n"
        "λ_overshadow = %s on, the penalty overshadows the task (test accuracy\n"
        "%s).\n" % (
            g(num(best["lambda"])), f(num(best["test_mean"])), g(num(se["lambda"])),
            f(num(se["test_mean"])), f(num(se["test_ci_low"])), f(num(se["test_ci_high"])),
            g(num(over["lambda"])), f(num(over["test_mean"]))))


def tour_figure():
    rows = summary("quickstart")
    zero = rows[0]
    assert num(zero["lambda.l2"]) == 0
    acc = [num(r["test.accuracy.mean"]) for r in rows[1:]]
    pts = {p: g(num(balance("quickstart", "l2", p)["lambda"])) for p in ("lambda_best", "lambda_1se", "knee", "lambda_overshadow")}
    alt = ("Test accuracy against the L2 weight λ on a log axis, mean of %d repeats with a 95%% band, "
           "between %s and %s up to λ_1se = %s and %s at the largest λ; a dashed line at the λ = 0 mean %s; "
           "vertical lines at λ_best = %s, λ_1se = %s, the knee %s and λ_overshadow = %s") % (
        int(zero["n"]), f(min(acc[:-2])), f(max(acc[:-2])), pts["lambda_1se"], f(acc[-1]),
        f(num(zero["test.accuracy.mean"])), pts["lambda_best"], pts["lambda_1se"], pts["knee"], pts["lambda_overshadow"])
    alt, path = figure("quickstart", "test.accuracy_vs_l2.png", alt)
    return "![%s](docs/%s)\n" % (alt, path)


def temporal_smoothing_table():
    t = metric_table("temporal-smoothing", "temporal", [
        ("test.accuracy", "test accuracy", 3), ("test.flicker", "test flicker", 3),
        ("test.flicker_excess", "test flicker_excess", 3)])
    return with_column(t, "validation accuracy vs λ = 0, paired (95% CI)",
                       paired_note("temporal-smoothing", "temporal", "validation.accuracy"))


def temporal_smoothing_answer():
    st = "temporal-smoothing"
    return ("Chosen on validation: λ_best = %s, λ_1se = %s, the knee %s, λ_overshadow = %s.\n" % (
        point(st, "temporal", "lambda_best"), point(st, "temporal", "lambda_1se"),
        point(st, "temporal", "knee"), point(st, "temporal", "lambda_overshadow")))


def temporal_basicmotions_table():
    t = metric_table("temporal-basicmotions", "temporal", [
        ("test.accuracy", "test accuracy", 3), ("test.flicker", "test flicker", 3),
        ("train.accuracy", "train accuracy", 3)])
    return with_column(t, "validation flicker vs λ = 0, paired (95% CI)",
                       paired_note("temporal-basicmotions", "temporal", "validation.flicker"))


def temporal_basicmotions_answer():
    st = "temporal-basicmotions"
    rows = {g(num(r["lambda.temporal"])): r for r in summary(st)}
    top = max(rows, key=float)
    best, se = balance(st, "temporal", "lambda_best"), balance(st, "temporal", "lambda_1se")
    there = "%s at both" % f(num(best["test_mean"]))
    if f(num(best["test_mean"])) != f(num(se["test_mean"])):
        there = "%s and %s" % (f(num(best["test_mean"])), f(num(se["test_mean"])))
    return ("Chosen on the 8 validation recordings: λ_best = %s, λ_1se = %s, the knee\n"
            "%s, test accuracy %s. At λ = %s the term overshadows the\n"
            "task: training accuracy falls to %s and test accuracy to %s, with a\n"
            "flicker (%s) that no longer says anything: with near-uniform\n"
            "probabilities a small change flips the argmax, while the term measures\n"
            "the change of the probabilities, not of the labels.\n" % (
                g(num(best["lambda"])), g(num(se["lambda"])), point(st, "temporal", "knee"),
                there, top,
                f(num(rows[top]["train.accuracy.mean"]), 2), f(num(rows[top]["test.accuracy.mean"]), 2),
                pm(rows[top], "test.flicker")))


def temporal_basicmotions_figures():
    st, up = "temporal-basicmotions", "../"
    return (image(st, "test.flicker_vs_temporal.png", "test flicker against λ, BasicMotions", up) +
            image(st, "tradeoff_temporal.png", "validation flicker against validation accuracy as λ grows (the split λ is chosen on), BasicMotions", up) +
            image(st, "samples_temporal.png", "one test recording's true and predicted labels at λ = %s" % sample_lambdas(st, "temporal"), up))


def fairness_table():
    return metric_table("fairness", "fairness", [
        ("test.accuracy", "test accuracy", 3), ("test.dp_diff", "test dp_diff", 3)])


def fairness_methods_answer():
    rows = {(g(num(r["lambda.fairness"])), g(num(r["lambda.adversary"]))): r for r in summary("fairness-methods")}
    top = max((k[0] for k in rows), key=float)
    at = lambda k: "dp_diff %s at accuracy %s" % (f(num(rows[k]["test.dp_diff.mean"])), f(num(rows[k]["test.accuracy.mean"])))
    return ("At the largest λ (%s), the penalty reaches test %s, the\n"
            "adversary %s (from %s without either).\n" % (
                top, at((top, "0")), at(("0", top)), at(("0", "0"))))


def answer_line(study, term):
    pts = [(n, point(study, term, k)) for n, k in (("λ_best", "lambda_best"), ("λ_1se", "lambda_1se"),
                                                     ("the knee", "knee"), ("λ_overshadow", "lambda_overshadow"))]
    metric = balance(study, term, "lambda_best")["task_metric"]
    return "Chosen on %s: %s.\n" % (metric, ", ".join(
        "%s %s" % (n, v) if n == "the knee" else "%s = %s" % (n, v if v != "nan" else "undefined") for n, v in pts))


def decorrelation_table():
    return metric_table("decorrelation", "decorrelation", [
        ("test.mean_abs_corr", "test mean_abs_corr", 2), ("test.gap_score", "test gap_score", 2),
        ("test.mse", "test MSE", 3)])


def adversarial_table():
    return metric_table("adversarial-realism", "adversarial", [
        ("test.mse", "test MSE", 2), ("test.realism", "test realism", 3),
        ("test.disc_accuracy", "test disc_accuracy", 2)])


def adversarial_figures():
    st, up = "adversarial-realism", "../"
    return image(st, "samples_adversarial.png", "real and generated (x, y) points at λ = %s" % sample_lambdas(st, "adversarial"), up)


def perceptual_glyphs_table():
    return metric_table("perceptual-glyphs", "perceptual", [
        ("test.mse", "test MSE (per pixel)", 4), ("test.perceptual", "test perceptual", 2),
        ("test.recognizability", "test recognizability", 3)])


def perceptual_digits_table():
    return metric_table("perceptual-digits", "perceptual", [
        ("test.mse", "test MSE (per pixel)", 4), ("test.perceptual", "test perceptual", 2),
        ("test.recognizability", "test recognizability", 3), ("train.perceptual", "train perceptual", 2),
        ("train.recognizability", "train recognizability", 3)])


def perceptual_digits_answer():
    st = "perceptual-digits"
    rows = {g(num(r["lambda.perceptual"])): r for r in summary(st)}
    m = lambda lam, k: num(rows[lam][k + ".mean"])
    pct = lambda a, b: "%.0f %%" % (100 * abs(b - a) / a)
    return ("On the training images it works as intended: by λ = 1 the perceptual\n"
            "distance falls %s and the frozen classifier recognizes %.1f more\n"
            "restorations in 100, for %s more pixel error. On test images little of\n"
            "that carries over: the perceptual distance falls %s and recognizability\n"
            "rises by %.1f points, within the repeat-to-repeat spread of φ itself\n"
            "(each repeat trains its own classifier on its own split). λ = 10 buys\n"
            "nothing more on test images and costs %s pixel MSE. %s" % (
                pct(m("0", "train.perceptual"), m("1", "train.perceptual")),
                100 * (m("1", "train.recognizability") - m("0", "train.recognizability")),
                pct(m("0", "test.mse"), m("1", "test.mse")),
                pct(m("0", "test.perceptual"), m("1", "test.perceptual")),
                100 * (m("1", "test.recognizability") - m("0", "test.recognizability")),
                pct(m("0", "test.mse"), m("10", "test.mse")),
                answer_line(st, "perceptual")))


def perceptual_digits_figures():
    st, up = "perceptual-digits", "../"
    return (image(st, "test.perceptual_vs_perceptual.png", "test perceptual distance against λ, digits", up) +
            image(st, "samples_perceptual.png", "input, restored and target digits at λ = %s" % sample_lambdas(st, "perceptual"), up))


def aux_table():
    t = metric_table("aux-segmentation", "aux", [
        ("test.iou", "test IoU", 3), ("test.boundary_f1", "test boundary F1", 3),
        ("test.aux_accuracy", "test aux_accuracy", 3), ("train.iou", "train IoU", 3)])
    cells = {lam: "%s [%s, %s]; %d of %d up" % (signed(m), signed(lo), signed(hi), up, n)
             for lam, (m, lo, hi, up, n) in paired_runs("aux-segmentation", "aux", "test.iou").items()}
    return with_column(t, "test IoU vs λ = 0, paired (95% CI)", cells)


def aux_answer():
    st = "aux-segmentation"
    best = balance(st, "aux", "lambda_best")
    return ("Chosen on the 35 validation masks: λ_best = %s (test IoU there %s\n"
            "[%s, %s]), λ_1se = %s, the knee %s; the validation split is too small\n"
            "to place a λ_overshadow.\n" % (
                g(num(best["lambda"])), f(num(best["test_mean"])), f(num(best["test_ci_low"])),
                f(num(best["test_ci_high"])), point(st, "aux", "lambda_1se"), point(st, "aux", "knee")))


def crossing(study, term, col, level=1.0):
    """The two grid λ between which a summary column's mean first reaches level."""
    prev = None
    for r in summary(study):
        lam, v = num(r["lambda." + term]), num(r[col + ".mean"])
        if lam > 0 and not math.isnan(v):
            if v >= level:
                return (g(prev) if prev is not None else None), g(lam)
            prev = lam
    return None, None


def by_lambda(study, term):
    return {g(num(r["lambda." + term])): r for r in summary(study)}


def worked_quickstart_table():
    out = ["point              lambda    validation.accuracy    test.accuracy [95% CI]   weight_l2"]
    for p in ("lambda_best", "lambda_1se", "knee", "lambda_overshadow"):
        b = balance("quickstart", "l2", p)
        lo, hi = num(b["test_ci_low"]), num(b["test_ci_high"])
        test = f(num(b["test_mean"])) if lo == hi else "%s [%s, %s]" % (f(num(b["test_mean"])), f(lo), f(hi))
        out.append("%-18s %-9s %-22s %-24s %s" % (
            p, g(num(b["lambda"])), "%s ± %s" % (f(num(b["task_mean"])), f(num(b["task_se"]))),
            test, "%.3g" % num(b["term_mean"])))
    return "".join("    " + l.rstrip() + "\n" for l in out)


def worked_quickstart_text():
    st = "quickstart"
    rows = by_lambda(st, "l2")
    best = balance(st, "l2", "lambda_best")
    lb = g(num(best["lambda"]))
    zero = rows["0"]
    gain = paired_note(st, "l2", "validation.accuracy")[lb]
    top = max((k for k in rows if k != "0"), key=lambda k: num(rows[k]["test.accuracy.mean"]))
    topv = num(rows[top]["test.accuracy.mean"])
    shrink = num(zero["weight_l2.mean"]) / num(rows[lb]["weight_l2.mean"])
    a, b = crossing(st, "l2", "grad.ratio.l2")
    over = balance(st, "l2", "lambda_overshadow")
    return ("Without the term the MLP scores %s on test (weight_l2 %.0f). Twenty\n"
            "validation rows are a coarse judge (a step of 0.05 per row; the paired\n"
            "validation gain at λ_best, %s), yet the λ they choose keeps\n"
            "test accuracy at %s with %.0f× smaller weights. Had λ been chosen on\n"
            "test, the report would quote %s at λ = %s: the **optimism** of\n"
            "%s is what that choice adds to the score, and what a reader of a\n"
            "test-chosen λ cannot tell apart from skill. From λ = %s the penalty\n"
            "overshadows the task (test accuracy %s); `grad_ratio_vs_l2.png` shows why:\n"
            "‖λ∇L2‖/‖∇L_task‖ reaches 1 between λ = %s and %s, and from there the\n"
            "penalty's gradient dominates the step. At λ_best the cosine between the\n"
            "two gradients is %s (%.0f%% of the measured steps conflict): weight\n"
            "decay pulls against the fit, as it should.\n" % (
                f(num(zero["test.accuracy.mean"])), num(zero["weight_l2.mean"]), gain,
                f(num(best["test_mean"])), float("%.2g" % shrink), f(topv), top,
                f(topv - num(best["test_mean"])), g(num(over["lambda"])), f(num(over["test_mean"])),
                a, b, f(num(rows[lb]["grad.cos.l2.mean"]), 2),
                100 * num(rows[lb]["grad.conflict.l2.mean"])))


def worked_l1_text():
    st = "l1-sparsity"
    rows = by_lambda(st, "l1")
    best = balance(st, "l1", "lambda_best")
    lb = g(num(best["lambda"]))
    zero = rows["0"]
    pr = [r for r in table(st, "paired.csv") if r["metric"] == "validation.accuracy" and g(num(r["lambda"])) == lb][0]
    top = max((k for k in rows if k != "0"), key=lambda k: num(rows[k]["test.accuracy.mean"]))
    over = balance(st, "l1", "lambda_overshadow")
    lo = g(num(over["lambda"]))
    a, b = crossing(st, "l1", "grad.ratio.l1")
    se = g(num(balance(st, "l1", "lambda_1se")["lambda"]))
    knee = g(num(balance(st, "l1", "knee")["lambda"]))
    return ("Validation chooses λ_l1 = %s (validation accuracy\n"
            "%s against %s without the term, paired %s [%s, %s], p = %s),\n"
            "with sparsity %s: the lasso removes the noise features and the\n"
            "overfitting they caused (train accuracy %s at λ = 0). Test accuracy\n"
            "there is %s [%s, %s] against %s at λ = 0%s.\n"
            "`lambda_1se` is %s and the knee %s.\n"
            "From λ = %s the penalty zeroes the informative weights as well\n"
            "(sparsity %s) and accuracy collapses to %s (test %s):\n"
            "`lambda_overshadow`. The gradient ratio reaches 1 between λ = %s and %s.\n" % (
                lb, f(num(best["task_mean"])), f(num(zero["validation.accuracy.mean"])),
                signed(num(pr["mean_diff"])), signed(num(pr["ci_low"])), signed(num(pr["ci_high"])),
                "%.2g" % num(pr["p_value"]), f(num(rows[lb]["sparsity.mean"]), 2),
                f(num(zero["train.accuracy.mean"])), f(num(best["test_mean"])), f(num(best["test_ci_low"])),
                f(num(best["test_ci_high"])), f(num(zero["test.accuracy.mean"])),
                ", and it is also the best test mean of the grid: the optimism is 0, the\n"
                "validation split found the test optimum" if top == lb else "",
                "`lambda_best` too (no larger λ is within one SE)" if se == lb else "λ = " + se,
                "is there too" if knee == lb else "at λ = " + knee,
                lo, f(num(rows[lo]["sparsity.mean"])), f(num(over["task_mean"])), f(num(over["test_mean"])),
                a, b))


def methods_table(study, m1, h1, m2, h2):
    """methods.csv: the static λ front, then each method, its position and
    the static λ it beats or is beaten by (paired, adjusted p)."""
    rows = []
    for r in table(study, "methods.csv"):
        static = r["method"] == "static"
        name = "static λ = %s" % g(num(r["lambda"])) if static else r["method"]
        pos = "" if static else r["position"]
        if r["beats"]:
            pos += ": beats λ = %s (p = %.2g)" % (g(num(r["beats"])), num(r["beats_p"]))
        if r["dominated_by"]:
            pos += ": behind λ = %s (p = %.2g)" % (g(num(r["dominated_by"])), num(r["dominated_p"]))
        if static:
            pos = "on the front" if r["pareto"] == "1" else "dominated"
        rows.append([name, f(num(r[m1 + ".mean"])), f(num(r[m2 + ".mean"])), pos])
    return md(["run", h1, h2, "position"], rows)


def balancing_fair_table():
    return methods_table("balancing-methods", "test.accuracy", "test accuracy", "test.dp_diff", "test dp_diff")


def balancing_edges_table():
    return methods_table("balancing-methods-edges", "test.iou", "test IoU", "test.aux_accuracy", "test aux accuracy")


def pytorch_rows():
    return {(g(num(r["lambda.recon"])), g(num(r["lambda.decay"]))): r for r in summary("pytorch-digits")}


def pytorch_table():
    rows = pytorch_rows()
    lams = sorted({k[0] for k in rows}, key=float)
    m = lambda lam, col: num(rows[(lam, "0")][col + ".mean"])
    line = lambda head, fn: "| %s | %s |" % (head, " | ".join(fn(l) for l in lams))
    out = ["| λ recon (decay 0) | %s |" % " | ".join(lams), "| --- |" + " --- |" * len(lams),
           line("validation accuracy (chooses λ)", lambda l: f(m(l, "validation.accuracy"))),
           line("test accuracy", lambda l: f(m(l, "test.accuracy"))),
           line("test reconstruction MSE (standardized pixels)", lambda l: f(m(l, "test.recon_mse"), 2)),
           line("cosine with the task gradient", lambda l: "–" if l == "0" else f(m(l, "grad.cos.recon"), 2)),
           line("steps with cosine < 0", lambda l: "–" if l == "0" else "%.1f %%" % (100 * m(l, "grad.conflict.recon"))),
           line("‖λ∇recon‖ / ‖∇task‖", lambda l: "–" if l == "0" else f(m(l, "grad.ratio.recon"), 2))]
    return "\n".join(out) + "\n"


def pytorch_answer():
    st = "pytorch-digits"
    return ("λ_best = %s, the knee %s, λ_1se = %s (chosen on validation accuracy;\n"
            "the standard error of 3 repeats is wider than the differences).\n" % (
                point(st, "recon", "lambda_best", "decay=0"), point(st, "recon", "knee", "decay=0"),
                point(st, "recon", "lambda_1se", "decay=0")))


def pytorch_figures():
    st = "pytorch-digits"
    out = []
    for name, alt in (("tradeoff_recon.png", "trade-off: validation accuracy against test reconstruction MSE as λ recon grows"),
                      ("test.accuracy_vs_recon.png", "test accuracy against λ recon with its 95 % band and the λ = 0 reference"),
                      ("grad_cos_vs_recon.png", "cosine between the task and the reconstruction gradient against λ recon"),
                      ("training_recon.png", "loss components per epoch at the largest λ recon")):
        alt, path = figure(st, name, alt)
        out.append("![%s](%s)" % (alt, path))
    return "\n".join(out) + "\n"


def pytorch_decay():
    rows = pytorch_rows()
    m = lambda k, col: num(rows[k][col + ".mean"])
    pr = {g(num(r["lambda"])): r for r in table("pytorch-digits", "paired.csv")
          if r["term"] == "decay" and r["metric"] == "validation.accuracy"}
    return ("Weight decay shrinks Σw² from %.0f to %.0f (0.001) and %.0f (0.01) and changes\n"
            "validation accuracy by %s and %s (p = %.2g and %.2g, with 3 repeats;\n"
            "test accuracy %s and %s against %s); with it, recon at 3 reaches test\n"
            "accuracy %s (decay 0.01) against %s without.\n" % (
                m(("0", "0"), "weight_l2"), m(("0", "0.001"), "weight_l2"), m(("0", "0.01"), "weight_l2"),
                signed(num(pr["0.001"]["mean_diff"])), signed(num(pr["0.01"]["mean_diff"])),
                num(pr["0.001"]["p_value"]), num(pr["0.01"]["p_value"]),
                f(m(("0", "0.001"), "test.accuracy")), f(m(("0", "0.01"), "test.accuracy")), f(m(("0", "0"), "test.accuracy")),
                f(m(("3", "0.01"), "test.accuracy")), f(m(("3", "0"), "test.accuracy"))))


def data_size_rows():
    """l2-data-size: per axis value, summary rows by λ, and the balance rows."""
    rows = {}
    for r in summary("l2-data-size"):
        rows.setdefault(r["axis.dataset.params.samples"], {})[g(num(r["lambda.l2"]))] = r
    return rows


def data_size_table():
    out = []
    for n, by in data_size_rows().items():
        best = balance("l2-data-size", "l2", "lambda_best", "samples=" + n)
        lb = g(num(best["lambda"]))
        top = max((k for k in by if k != "0"), key=lambda k: num(by[k]["test.accuracy.mean"]))
        topv = num(by[top]["test.accuracy.mean"])
        # split: {test: 0.5}; report.validation 0.2 of the rest.
        rest = int(n) // 2
        out.append(["%s (%d + %d)" % (n, rest - rest // 5, rest // 5), f(num(by["0"]["test.accuracy.mean"])), lb,
                    "%s [%s, %s]" % (f(num(best["test_mean"])), f(num(best["test_ci_low"])), f(num(best["test_ci_high"]))),
                    "%s at λ = %s (%s)" % (f(topv), top, g(round(topv - num(best["test_mean"]), 3))),
                    f(num(by["0"]["gap.accuracy.mean"]))])
    return md(["samples (train + validation)", "test accuracy at λ = 0", "λ_best on validation",
               "test accuracy there [95% CI]", "best test mean of the grid (optimism)",
               "train − test gap at λ = 0"], out)


def data_size_text():
    rows = data_size_rows()
    gains = []
    for n, by in rows.items():
        best = balance("l2-data-size", "l2", "lambda_best", "samples=" + n)
        gains.append(signed(num(best["test_mean"]) - num(by["0"]["test.accuracy.mean"])))
    small, large = min(rows, key=int), max(rows, key=int)
    over = balance("l2-data-size", "l2", "lambda_overshadow", "samples=" + large)
    lo = g(num(over["lambda"]))
    return ("The gain from the chosen λ on test is %s as data grows (%s). At %s\n"
            "samples λ = %s already brings the model down to %s test accuracy, where\n"
            "%s samples still score %s (same epochs, so more optimizer steps with more\n"
            "data; the two causes are not separated).\n" % (
                "shrinking" if gains == sorted(gains, key=float, reverse=True) else "not monotone",
                ", ".join(gains), large, lo, f(num(rows[large][lo]["test.accuracy.mean"])),
                small, f(num(rows[small][lo]["test.accuracy.mean"]))))


def refine_text():
    def found(study):
        rows = summary(study)
        lams = sorted(num(r["lambda.l2"]) for r in rows)
        se = num(balance(study, "l2", "lambda_1se")["lambda"])
        nxt = min(l for l in lams if l > se)
        return sum(int(r["n"]) for r in rows), "%s bracketed in [%s, %s)" % (
            "%.2g" % se, "%.2g" % se, "%.3g" % nxt)
    rn, rf = found("quickstart-refine")
    gn, gf = found("quickstart-grid30")
    return ("On the quickstart study (5 repeats, chosen on its carved validation\n"
            "split; `docs/data/specs/`), the 7 + 2×4 grid (%d runs) finds λ_1se =\n"
            "%s; a 30-point grid (%d runs) finds %s.\n" % (rn, rf, gn, gf))


def refine_measure():
    """docs/grids.md: the refinement measurement on a known curve, as
    TestRefineLambdas_LocatesOneSE logs it (scripts/docs.sh runs it -v)."""
    text = open(os.path.join(results, "refine-measure.out"), encoding="utf-8").read()
    m = re.search(r"mean over (\d+) shifts, decades: \|λ_1se − λ\*\| 30-point grid ([\d.]+), 7-point grid ([\d.]+), "
                  r"7 \+ 2×4 refined ([\d.]+); bracket width 30-point ([\d.]+), refined ([\d.]+)", text)
    if not m:
        sys.exit("docs.py: TestRefineLambdas_LocatesOneSE logged no measurement:\n" + text)
    shifts, fine, coarse, ref, fine_br, ref_br = m.groups()
    return ("How well does it work? On a known curve (a regularization curve with a\n"
            "cliff, SE 0.009, shifted along log λ %s times so that no grid is lucky;\n"
            "`TestRefineLambdas_LocatesOneSE`), a coarse 7-point grid plus two rounds of\n"
            "4 (15 λ > 0) puts λ_1se %s decades from the true boundary on average and\n"
            "brackets it (between λ_1se and the next λ) in %s decades; a 30-point\n"
            "grid over the same range is %s decades off with a bracket of %s; the\n"
            "7-point grid alone is %s off (`go test -run\n"
            "TestRefineLambdas_LocatesOneSE -v ./report/table/` prints these).\n" % (
                shifts, ref, ref_br, fine, fine_br, coarse))


def merge_missing():
    """docs/cluster.md: what `lossexp merge` prints (standard output, then
    the error on standard error) when shard 5 of 8 of l1-sparsity never
    ran, with the paths a reader in the repository would see."""
    text = "".join(open(os.path.join(results, "merge-missing." + x), encoding="utf-8").read() for x in ("out", "err"))
    text = text.replace(os.path.join(results, "l1-sparsity-shards"), "results/l1-sparsity").replace(os.path.join(ROOT, ""), "")
    out = ("<!-- not run: * — what merge prints (scripts/docs.sh runs 7 of the 8 shards and this merge) -->\n\n"
           "    $ lossexp merge results/l1-sparsity    # shards 0–4, 6 and 7 of 8 ran, shard 5 did not\n")
    return out + "".join(("    " + l).rstrip() + "\n" for l in text.rstrip("\n").split("\n")) + "\n"


def stability_line():
    """The quickstart's λ_1se stability line, as the sweep printed it."""
    line = next(l for l in answer("quickstart").split("\n") if "λ_1se =" in l)
    return "\n    %s\n\n" % line.strip()


HALVING = re.compile(r"^\s*halving: (\{.*\})\s*$", re.M)


def halving_setting(study):
    """The sweep.halving line of the spec a sweep stored (results/NAME/spec.yaml)."""
    m = HALVING.search(open(os.path.join(results, study, "spec.yaml"), encoding="utf-8").read())
    if not m:
        sys.exit("docs.py: %s/spec.yaml has no sweep.halving" % study)
    return m.group(1)


def halving_epochs(study):
    """The last line a halving sweep writes to standard error:
    "halving: 4140 of 7500 epochs (55.2%)"."""
    lines = [l for l in open(os.path.join(results, study + ".err"), encoding="utf-8").read().split("\n")
             if re.match(r"halving: \d+ of \d+ epochs", l)]
    if len(lines) != 1:
        sys.exit("docs.py: %s.err: want one halving: … epochs line, got %r" % (study, lines))
    return lines[0]


def halving_quickstart():
    """docs/halving.md's example: what the halving quickstart tells on
    standard error (its rungs, the epochs spent) and its answer against
    the full grid's."""
    st = "quickstart-halving-0"
    err = open(os.path.join(results, st + ".err"), encoding="utf-8").read().split("\n")
    rungs = [l for l in err if re.match(r"sweep \S+: halving(: \d+ of \d+ grid points reach| rung )", l)]
    if not rungs:
        sys.exit("docs.py: %s.err has no 'halving rung' line: did the sweep's messages change?" % st)
    out = ("<!-- not run: lossexp sweep quickstart-halving.yaml — the quickstart with the lines above added;"
           " scripts/docs.sh runs it and TestHalving_Quickstart checks its answer -->\n\n"
           "    $ lossexp sweep quickstart-halving.yaml\n")
    out += "".join("    %s\n" % l for l in rungs) + "    …\n    %s\n\n" % halving_epochs(st)
    got = [point(st, "l2", p) for p in ("lambda_best", "lambda_1se")]
    full = [point("quickstart", "l2", p) for p in ("lambda_best", "lambda_1se")]
    if got == full:
        out += "It finds the full grid's λ_best (%s) and λ_1se (%s)" % tuple(full)
    else:
        out += "It finds λ_best %s and λ_1se %s, where the full grid finds %s and %s" % tuple(got + full)
    return out + ".\n"


def halving_keep_table():
    """docs/halving.md: the keep rule's settings on the quickstart."""
    full = [point("quickstart", "l2", p) for p in ("lambda_best", "lambda_1se")]
    rows = []
    for i in range(len(glob.glob(os.path.join(results, "quickstart-halving-*.out")))):
        st = "quickstart-halving-%d" % i
        got = [point(st, "l2", p) for p in ("lambda_best", "lambda_1se")]
        epochs = re.sub(r"^halving: ", "", halving_epochs(st)).replace(" epochs", "")
        rows.append(["`%s`" % halving_setting(st)] + ["same" if a == b else a for a, b in zip(got, full)] + [epochs])
    total = re.search(r" of (\d+) epochs", halving_epochs("quickstart-halving-0")).group(1)
    return ("On the shipped quickstart (λ_best %s and λ_1se %s on the full grid of\n"
            "%s epochs):\n\n" % (full[0], full[1], total)) + md(["halving", "λ_best", "λ_1se", "epochs spent"], rows)


def help_exit_status():
    """`lossexp help exit-status` as the binary prints it (scripts/docs.sh
    writes it to RESULTS/help-exit-status.out): one source, the help text."""
    with open(os.path.join(results, "help-exit-status.out"), encoding="utf-8") as r:
        text = r.read().rstrip("\n")
    return "\n" + "\n".join(("    " + l).rstrip() for l in text.split("\n")) + "\n\n"


def help_section(name, section):
    """A section of `lossexp help [name]` (RESULTS/help[-name].out, from
    scripts/docs.sh): the lines after "section:" up to the blank line, as a
    code block."""
    path = os.path.join(results, "help%s.out" % ("-" + name if name else ""))
    lines = open(path, encoding="utf-8").read().split("\n")
    try:
        start = lines.index(section + ":") + 1
    except ValueError:
        sys.exit("docs.py: %s has no %s: section" % (path, section))
    end = lines.index("", start)
    # cobra's own -h, --help line is in every section: left out.
    body = textwrap.dedent("\n".join(l for l in lines[start:end] if not l.strip().startswith("-h, --help")))
    return "\n" + "".join(("    " + l).rstrip() + "\n" for l in body.split("\n")) + "\n"


def bench_latest():
    """The latest committed scripts/bench.sh log (docs/data/bench/<date>-<host>.txt,
    latest by name): its header (machine, commit, load at the start) and its
    summary (the table, the load at the end, the goals), verbatim. Timings
    are quoted from the log, never measured here."""
    logs = sorted(glob.glob(os.path.join(ROOT, "docs", "data", "bench", "*.txt")))
    if not logs:
        sys.exit("docs.py: no scripts/bench.sh log in docs/data/bench/")
    lines = open(logs[-1], encoding="utf-8").read().rstrip("\n").split("\n")
    head = [l for l in lines if l.startswith(("== scripts/bench.sh", "== machine:", "== OPENBLAS", "== go version"))]
    start = next((i for i, l in enumerate(lines) if l.startswith("== bench-digits:")), None)
    if start is None:
        sys.exit("docs.py: %s has no summary (== bench-digits: …): an interrupted run?" % os.path.relpath(logs[-1], ROOT))
    rel = os.path.relpath(logs[-1], os.path.join(ROOT, "docs"))
    out = "The latest log, [%s](%s) (every timing in it, in the order taken):\n\n" % (
        os.path.basename(logs[-1]), rel)
    out += "\n".join(("    " + l).rstrip() for l in head + [""] + lines[start:]) + "\n"
    return out


def compare_output():
    """What `lossexp compare results/quickstart results/quickstart-small`
    prints in the clone where scripts/docs.sh ran docs/compare.md's commands:
    the balance points, the first metric line about test accuracy, the last line."""
    lines = open(os.path.join(results, "compare.out"), encoding="utf-8").read().rstrip("\n").split("\n")
    blank = [i for i, l in enumerate(lines) if l == ""]
    head = lines[: blank[1] + 1]
    test = [l for l in lines if l.startswith("test.accuracy ")]
    return "```\n" + "\n".join(head + test + ["...", lines[-1]]) + "\n```\n"


GENERATORS = {
    "compare-output": compare_output,
    "help-exit-status": help_exit_status,
    "help-commands": lambda: help_section("", "Available Commands"),
    "bench-latest": bench_latest,
    "tour-sweep": tour_sweep,
    "tour-answer": tour_answer,
    "tour-figure": tour_figure,
    "temporal-smoothing-table": temporal_smoothing_table,
    "temporal-smoothing-answer": temporal_smoothing_answer,
    "temporal-basicmotions-table": temporal_basicmotions_table,
    "temporal-basicmotions-answer": temporal_basicmotions_answer,
    "temporal-basicmotions-figures": temporal_basicmotions_figures,
    "fairness-table": fairness_table,
    "fairness-methods-answer": fairness_methods_answer,
    "decorrelation-table": decorrelation_table,
    "adversarial-table": adversarial_table,
    "adversarial-figures": adversarial_figures,
    "perceptual-glyphs-table": perceptual_glyphs_table,
    "perceptual-digits-table": perceptual_digits_table,
    "perceptual-digits-answer": perceptual_digits_answer,
    "perceptual-digits-figures": perceptual_digits_figures,
    "aux-table": aux_table,
    "aux-answer": aux_answer,
    "worked-quickstart-table": worked_quickstart_table,
    "worked-quickstart-text": worked_quickstart_text,
    "worked-l1-text": worked_l1_text,
    "balancing-fair-table": balancing_fair_table,
    "balancing-edges-table": balancing_edges_table,
    "pytorch-table": pytorch_table,
    "pytorch-answer": pytorch_answer,
    "pytorch-figures": pytorch_figures,
    "pytorch-decay": pytorch_decay,
    "data-size-table": data_size_table,
    "data-size-text": data_size_text,
    "refine-text": refine_text,
    "refine-measure": refine_measure,
    "stability-line": stability_line,
    "merge-missing": merge_missing,
    "halving-quickstart": halving_quickstart,
    "halving-keep-table": halving_keep_table,
}


# <!-- generated: help-<command>-flags -->: the Flags section of `lossexp
# help <command>` ("export-k8s" for `lossexp help export k8s`).
HELP_FLAGS = re.compile(r"^help-([\w-]+)-flags$")


def pages():
    out = [os.path.join(ROOT, "README.md")]
    out += sorted(glob.glob(os.path.join(ROOT, "docs", "**", "*.md"), recursive=True))
    return out


def main(argv):
    global results
    if len(argv) < 2 or argv[1].startswith("-"):
        sys.exit("usage: docs.py RESULTS [--check]")
    results = os.path.abspath(argv[1])
    check = "--check" in argv[2:]
    differ = False
    used = set()
    for page in pages():
        text = open(page, encoding="utf-8").read()

        def repl(m):
            name = m.group(2)
            if name in WRITTEN_ELSEWHERE:
                return m.group(0)
            flags = HELP_FLAGS.match(name)
            if flags:
                used.add(name)
                return m.group(1) + help_section(flags.group(1), "Flags") + m.group(4)
            if name not in GENERATORS:
                sys.exit("docs.py: %s: unknown generated block %r" % (os.path.relpath(page, ROOT), name))
            used.add(name)
            return m.group(1) + GENERATORS[name]() + m.group(4)

        new = BLOCK.sub(repl, text)
        if new != text:
            rel = os.path.relpath(page, ROOT)
            if check:
                differ = True
                sys.stdout.writelines(difflib.unified_diff(
                    text.splitlines(True), new.splitlines(True), "a/" + rel, "b/" + rel))
            else:
                with open(page, "w", encoding="utf-8") as w:
                    w.write(new)
                print("docs.py: rewrote", rel)
    unused = sorted(set(GENERATORS) - used)
    if unused:
        sys.exit("docs.py: generators without a block in the docs: " + ", ".join(unused))
    for dest, src in sorted(figures.items()):
        path = os.path.join(ROOT, "docs", "figures", dest)
        if os.path.exists(path) and filecmp.cmp(src, path, shallow=False):
            continue
        if check:
            differ = True
            print("docs/figures/%s differs from the figure the study draws now (%s)" % (dest, os.path.relpath(src, results)))
        else:
            shutil.copyfile(src, path)
            print("docs.py: copied docs/figures/" + dest)
    if differ:
        print("docs: the blocks above differ from what the code produces now: run scripts/docs.sh and commit")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
