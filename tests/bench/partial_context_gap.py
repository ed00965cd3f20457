#!/usr/bin/env python3
"""What the context/query split costs at best on the Gaussian AR(1) case (docs/RESULTS.md, issue 15).

A perfect network trained with Work I's contexts (each observed entry left out with probability
delta) predicts E[u_missing | u_context]; single-step ensemble inference averages that over K
contexts drawn inside M. This script computes that average with the exact Gaussian conditional
means and reports its MSE over the missing entries relative to the Bayes completion given all of M.

    python3 tests/bench/partial_context_gap.py --delta 0.2 --members 16
"""
import argparse

import numpy as np


def conditional_mean(sigma, x, given, target):
    if not given.any():
        return np.zeros(target.sum())
    s_tg = sigma[np.ix_(target, given)]
    s_gg = sigma[np.ix_(given, given)]
    return s_tg @ np.linalg.solve(s_gg, x[given])


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dims", type=int, default=16)
    p.add_argument("--rho", type=float, default=0.9)
    p.add_argument("--missing", type=float, default=0.5)
    p.add_argument("--delta", type=float, nargs="+", default=[0.1, 0.2, 0.4])
    p.add_argument("--members", type=int, default=16)
    p.add_argument("--rows", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    idx = np.arange(a.dims)
    sigma = a.rho ** np.abs(idx[:, None] - idx[None, :])
    chol = np.linalg.cholesky(sigma)
    x = rng.standard_normal((a.rows, a.dims)) @ chol.T
    observed = rng.random((a.rows, a.dims)) >= a.missing
    bayes_se, count = 0.0, 0
    ctx_se = {d: 0.0 for d in a.delta}
    for r in range(a.rows):
        m, o = ~observed[r], observed[r]
        if not m.any():
            continue
        bayes = conditional_mean(sigma, x[r], o, m)
        bayes_se += ((bayes - x[r][m]) ** 2).sum()
        count += m.sum()
        for d in a.delta:
            est = np.zeros(m.sum())
            for _ in range(a.members):
                context = o & (rng.random(a.dims) >= d)
                est += conditional_mean(sigma, x[r], context, m)
            ctx_se[d] += ((est / a.members - x[r][m]) ** 2).sum()
    print("| delta | K | MSE of the exact context ensemble / Bayes |")
    print("|-------|---|-------------------------------------------|")
    for d in a.delta:
        print(f"| {d} | {a.members} | {ctx_se[d] / bayes_se:.3f} |")
    print(f"Bayes MSE {bayes_se / count:.4f} over {count} missing entries")


if __name__ == "__main__":
    main()
