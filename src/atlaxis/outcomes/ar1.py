"""Segmented regression with AR(1) errors on real calendar days, for many series at once.

This is the one estimator behind :func:`atlaxis.outcomes.segmented_regression` (one
patient, run here as a batch of one) and :func:`atlaxis.outcomes.analyze_cohort`
(a whole cohort), so both paths give the same numbers.

Model (Huitema & McKean 2000 coding; Lopez Bernal, Cummins & Gasparrini 2017,
*Int J Epidemiol* 46:348)::

    y(t) = b0 + b1*t + b2*D(t) + b3*(t - t0)*D(t) + e(t),   D(t) = 1 if t >= t0

``t`` is the calendar day counted from the patient's first recorded day, gaps kept.
``b2`` is the level change at the first treatment day relative to the extrapolated
baseline trend, ``b3`` the slope change.

Errors follow a continuous-time AR(1): ``corr(e(s), e(t)) = rho**|s - t|``. On integer
days this is a daily AR(1) seen on some days only; the recorded values are still
Markov, ``e(k) = phi(k) e(k-1) + u(k)`` with ``phi(k) = rho**g(k)`` for a gap of
``g(k)`` days and ``var(u(k)) = sigma^2 (1 - phi(k)^2)``. Whitening with that recursion
(Prais–Winsten generalised to gaps) gives ``R^-1/2`` in O(n) and
``log|R| = sum_k log(1 - phi(k)^2)``.

For a given rho the coefficients are GLS; rho maximises the profile log-likelihood
(ML) or the restricted log-likelihood (REML; Harville 1977, *JASA* 72:320):

* REML: minimise ``(n-p) log(q/(n-p)) + log|R| + log|X'R^-1 X|``; sigma^2 = q/(n-p)
* ML:   minimise ``n log(q/n) + log|R|``; sigma^2 = q/n

with ``q`` the GLS residual sum of squares and ``Cov(b) = sigma^2 (X'R^-1 X)^-1``.
The search is a 45-point grid over rho in [-0.99, 0.99] then 40 golden-section steps
around the best grid point (bracket 0.09 wide, final width < 1e-9), all vectorised
over series: every evaluation needs only per-series 5x5 cross-products grouped by
gap (see :class:`GapStats`), so its cost does not grow with the number of days.

OLS uses Newey–West (Bartlett kernel) standard errors with lag
``floor(4 (n/100)^(2/9))`` and the small-sample factor n/(n-p), over observations in
time order (as statsmodels ``OLS(...).fit(cov_type="HAC", cov_kwds={"maxlags": L,
"use_correction": True}, use_t=True)``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Method = Literal["reml", "ml", "ols"]

N_PARAMS = 4
RHO_BOUND = 0.99
GRID_POINTS = 45
GOLDEN_STEPS = 40
_INV_PHI = (math.sqrt(5.0) - 1.0) / 2.0
_IU = np.triu_indices(N_PARAMS + 1)


@dataclass(frozen=True, eq=False)
class SeriesBatch:
    """Recorded days of several series, left-aligned and zero-padded to a common length.

    ``t`` counts days from each series' first recorded day; ``gap`` is the number of days
    since the previous recorded day (0 for the first day and for padding).
    """

    t: FloatArray
    y: FloatArray
    mask: BoolArray
    gap: IntArray
    t0: FloatArray
    n: IntArray

    @property
    def size(self) -> int:
        return int(self.y.shape[0])

    def take(self, rows: IntArray) -> SeriesBatch:
        """The series at ``rows``, padding trimmed to the longest of them."""
        width = max(int(self.n[rows].max(initial=0)), 1)
        return SeriesBatch(
            t=self.t[rows, :width],
            y=self.y[rows, :width],
            mask=self.mask[rows, :width],
            gap=self.gap[rows, :width],
            t0=self.t0[rows],
            n=self.n[rows],
        )


@dataclass(frozen=True, eq=False)
class GapStats:
    """Cross-products of z = [1, t, D, (t-t0)D, y] grouped by the gap between days.

    Whitening row k gives w(k) = (z(k) - phi z(k-1)) / sqrt(1 - phi^2), phi = rho**g, so
    ``sum_k w w' = first + sum_g (S0_g - phi_g S1_g + phi_g^2 S2_g) / (1 - phi_g^2)``
    with S0 = sum z(k) z(k)', S1 = sum z(k) z(k-1)' + z(k-1) z(k)',
    S2 = sum z(k-1) z(k-1)'. Arrays hold the 15 upper-triangle entries; the ``slot``
    axis runs over the distinct gaps of each series (unused slots are zero).
    """

    first: FloatArray
    s0: FloatArray
    s1: FloatArray
    s2: FloatArray
    gap: FloatArray
    count: FloatArray


@dataclass(frozen=True, eq=False)
class Fit:
    """Estimates for every series in a batch (rho is NaN for OLS)."""

    beta: FloatArray
    cov: FloatArray
    rho: FloatArray
    sigma2: FloatArray
    df: IntArray


def batch_from_grid(days: IntArray, values: FloatArray, t0: IntArray) -> SeriesBatch:
    """Build a batch from values on a grid of days (NaN = not recorded).

    ``days`` (D,) are increasing integer day numbers shared by every row of ``values``
    (B, D); ``t0`` (B,) are first treatment days on the same scale.
    """
    if values.shape[1] == 0:
        days, values = np.zeros(1, dtype=np.int64), np.full((values.shape[0], 1), np.nan)
    mask_grid = ~np.isnan(values)
    order = np.argsort(~mask_grid, axis=1, kind="stable")
    n = mask_grid.sum(axis=1).astype(np.int64)
    order = order[:, : max(int(n.max(initial=0)), 1)]
    mask = np.take_along_axis(mask_grid, order, axis=1)
    day = np.where(mask, days[order], 0).astype(np.int64)
    y = np.where(mask, np.take_along_axis(values, order, axis=1), 0.0)
    first = day[:, 0]
    gap = np.zeros_like(day)
    gap[:, 1:] = np.where(mask[:, 1:], day[:, 1:] - day[:, :-1], 0)
    return SeriesBatch(
        t=np.where(mask, day - first[:, None], 0).astype(np.float64),
        y=y.astype(np.float64),
        mask=mask,
        gap=gap,
        t0=(np.asarray(t0, dtype=np.int64) - first).astype(np.float64),
        n=n,
    )


def design(batch: SeriesBatch) -> FloatArray:
    """Columns [1, t, D, (t - t0) D] for every recorded day; zero rows on padding."""
    t = batch.t
    after = (t >= batch.t0[:, None]).astype(np.float64)
    x = np.stack([np.ones_like(t), t, after, (t - batch.t0[:, None]) * after], axis=-1)
    out: FloatArray = x * batch.mask[..., None]
    return out


def _slots(batch: SeriesBatch) -> tuple[IntArray, IntArray, IntArray, IntArray, int]:
    """Rows/cols of day-to-day steps, their slot index and each slot's gap."""
    rows, cols = np.nonzero(batch.mask & (batch.gap > 0))
    gaps = batch.gap[rows, cols]
    base = int(gaps.max(initial=1)) + 1
    keys = rows * base + gaps
    uniq, group = np.unique(keys, return_inverse=True)
    owner = uniq // base
    first_group = np.searchsorted(owner, np.arange(batch.size))
    slot = np.arange(uniq.size) - first_group[owner]
    n_slots = int(slot.max(initial=0)) + 1
    flat = (owner * n_slots + slot).astype(np.int64)
    return rows, cols, flat[group], np.stack([flat, uniq % base]), n_slots


def gap_stats(batch: SeriesBatch) -> GapStats:
    """Sum each series' day-to-day cross-products by gap (bincount: order is per-series)."""
    size = batch.size
    z = np.concatenate([design(batch), batch.y[..., None]], axis=-1)
    rows, cols, index, slot_gap, n_slots = _slots(batch)
    total = size * n_slots
    zk, zp = z[rows, cols], z[rows, cols - 1]

    def summed(a: FloatArray, b: FloatArray) -> FloatArray:
        out = np.empty((total, _IU[0].size))
        for j, (r, c) in enumerate(zip(_IU[0], _IU[1], strict=True)):
            out[:, j] = np.bincount(index, weights=a[:, r] * b[:, c], minlength=total)
        return out.reshape(size, n_slots, -1)

    gap = np.ones(total)
    gap[slot_gap[0]] = slot_gap[1]
    z0 = z[:, 0]
    return GapStats(
        first=z0[:, _IU[0]] * z0[:, _IU[1]],
        s0=summed(zk, zk),
        s1=summed(zk, zp) + summed(zp, zk),
        s2=summed(zp, zp),
        gap=gap.reshape(size, n_slots),
        count=np.bincount(index, minlength=total).astype(np.float64).reshape(size, n_slots),
    )


def _unpack(packed: FloatArray) -> FloatArray:
    """15 upper-triangle entries -> symmetric 5x5 matrices."""
    full = np.empty((*packed.shape[:-1], N_PARAMS + 1, N_PARAMS + 1))
    full[..., _IU[0], _IU[1]] = packed
    full[..., _IU[1], _IU[0]] = packed
    return full


def _whitened_products(stats: GapStats, rho: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Z'R^-1 Z (B, 5, 5) and log|R| (B,) at one rho per series."""
    phi = np.power(rho[:, None], stats.gap)
    one_minus = 1.0 - phi * phi
    inner = stats.s0 - phi[..., None] * stats.s1 + (phi * phi)[..., None] * stats.s2
    packed = stats.first + (inner / one_minus[..., None]).sum(axis=1)
    logdet = (stats.count * np.log(one_minus)).sum(axis=1)
    return _unpack(packed), logdet


def _solve(zz: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """GLS coefficients, X'R^-1X and residual sum of squares from Z'R^-1Z."""
    xtx = zz[:, :N_PARAMS, :N_PARAMS]
    xty = zz[:, :N_PARAMS, N_PARAMS]
    beta = np.asarray(np.linalg.solve(xtx, xty[..., None])[..., 0], dtype=np.float64)
    q: FloatArray = zz[:, N_PARAMS, N_PARAMS] - np.einsum("bk,bk->b", xty, beta)
    return beta, xtx, q


def _objective(stats: GapStats, n: FloatArray, rho: FloatArray, method: Method) -> FloatArray:
    """Twice the negative profile (restricted) log-likelihood, without constants."""
    zz, logdet_r = _whitened_products(stats, rho)
    _, xtx, q = _solve(zz)
    if method == "reml":
        dof = n - N_PARAMS
        _, logdet_x = np.linalg.slogdet(xtx)
        reml: FloatArray = dof * np.log(q / dof) + logdet_r + logdet_x
        return reml
    ml: FloatArray = n * np.log(q / n) + logdet_r
    return ml


def estimate_rho(stats: GapStats, n: FloatArray, method: Method) -> FloatArray:
    """Profile-likelihood rho per series: grid search, then golden-section refinement."""
    size = n.shape[0]
    grid = np.linspace(-RHO_BOUND, RHO_BOUND, GRID_POINTS)
    values = np.stack([_objective(stats, n, np.full(size, g), method) for g in grid])
    best = np.argmin(values, axis=0)
    best_rho, best_val = grid[best], values[best, np.arange(size)]
    lo = grid[np.maximum(best - 1, 0)]
    hi = grid[np.minimum(best + 1, GRID_POINTS - 1)]
    c = hi - _INV_PHI * (hi - lo)
    d = lo + _INV_PHI * (hi - lo)
    fc = _objective(stats, n, c, method)
    fd = _objective(stats, n, d, method)
    for _ in range(GOLDEN_STEPS):
        left = fc < fd
        hi = np.where(left, d, hi)
        lo = np.where(left, lo, c)
        new = np.where(left, hi - _INV_PHI * (hi - lo), lo + _INV_PHI * (hi - lo))
        f_new = _objective(stats, n, new, method)
        c, d, fc, fd = (
            np.where(left, new, d),
            np.where(left, c, new),
            np.where(left, f_new, fd),
            np.where(left, fc, f_new),
        )
    for cand, f_cand in ((c, fc), (d, fd)):
        better = f_cand < best_val
        best_rho = np.where(better, cand, best_rho)
        best_val = np.where(better, f_cand, best_val)
    out: FloatArray = best_rho
    return out


def fit_ar1(batch: SeriesBatch, method: Method) -> Fit:
    """REML or ML fit of the segmented model with continuous-time AR(1) errors."""
    stats = gap_stats(batch)
    n = batch.n.astype(np.float64)
    rho = estimate_rho(stats, n, method)
    zz, _ = _whitened_products(stats, rho)
    beta, xtx, q = _solve(zz)
    sigma2 = q / (n - N_PARAMS if method == "reml" else n)
    return Fit(
        beta=beta,
        cov=sigma2[:, None, None] * np.linalg.inv(xtx),
        rho=rho,
        sigma2=sigma2,
        df=batch.n - N_PARAMS,
    )


def hac_lags(n: IntArray) -> IntArray:
    """Newey–West rule of thumb floor(4 (n/100)^(2/9))."""
    return np.floor(4.0 * (n / 100.0) ** (2.0 / 9.0)).astype(np.int64)


def fit_ols_hac(batch: SeriesBatch) -> Fit:
    """OLS with Newey–West (Bartlett) covariance and the n/(n-p) correction."""
    x = design(batch)
    xt = np.swapaxes(x, 1, 2)
    xtx = xt @ x
    beta = np.asarray(np.linalg.solve(xtx, xt @ batch.y[..., None])[..., 0], dtype=np.float64)
    resid = (batch.y - (x @ beta[..., None])[..., 0]) * batch.mask
    scores = x * resid[..., None]
    meat = np.swapaxes(scores, 1, 2) @ scores
    lags = hac_lags(batch.n)
    for lag in range(1, int(lags.max(initial=0)) + 1):
        weight = np.where(lag <= lags, 1.0 - lag / (lags + 1.0), 0.0)
        cross = np.swapaxes(scores[:, lag:], 1, 2) @ scores[:, :-lag]
        meat += weight[:, None, None] * (cross + np.swapaxes(cross, 1, 2))
    bread = np.linalg.inv(xtx)
    n = batch.n
    factor = n / (n - N_PARAMS)
    return Fit(
        beta=beta,
        cov=factor[:, None, None] * (bread @ meat @ bread),
        rho=np.full(batch.size, np.nan),
        sigma2=np.einsum("bn,bn->b", resid, resid) / (n - N_PARAMS),
        df=n - N_PARAMS,
    )


def noise_free(batch: SeriesBatch) -> BoolArray:
    """True where the values lie exactly on the two phase lines (nothing left to model)."""
    x = design(batch)
    xt = np.swapaxes(x, 1, 2)
    beta = np.linalg.solve(xt @ x, xt @ batch.y[..., None])[..., 0]
    resid = (batch.y - (x @ beta[..., None])[..., 0]) * batch.mask
    scale = np.maximum((batch.y**2).sum(axis=1), 1.0)
    out: BoolArray = (resid**2).sum(axis=1) <= 1e-20 * scale
    return out


def fit(batch: SeriesBatch, method: Method) -> Fit:
    """Dispatch to the AR(1) likelihood fit or to OLS + HAC."""
    if method == "ols":
        return fit_ols_hac(batch)
    return fit_ar1(batch, method)


def ml_loglik(batch: SeriesBatch, rho: FloatArray) -> FloatArray:
    """Gaussian log-likelihood at rho with beta and sigma^2 at their ML values."""
    zz, logdet_r = _whitened_products(gap_stats(batch), rho)
    _, _, q = _solve(zz)
    n = batch.n.astype(np.float64)
    out: FloatArray = -0.5 * (n * np.log(2 * np.pi * q / n) + n + logdet_r)
    return out
