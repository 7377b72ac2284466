"""Drift measures between a frozen reference and a batch, computed from counts and sketches.

Every function is vectorised over its leading axes (features, or groups), works on the binned
counts and quantile sketches of :mod:`auditor.monitoring.reference` — never on the reference's
rows, which are not kept — and returns plain numpy arrays.

* **PSI** (population stability index) ``Σ (b − r) · ln(b / r)`` over the bins, i.e. the
  symmetrised Kullback–Leibler divergence (Jeffreys' J) of the binned distributions. Bins empty
  in both samples are left out; when a bin is empty in one of them, 0.5 is added to every
  remaining bin of both (the Haldane–Anscombe correction used for ratios in
  :mod:`auditor.stats.comparisons`), so PSI stays finite. Its 95 % interval is the basic
  (bias-correcting) interval of a parametric (multinomial) bootstrap of both samples, seeded, so
  the evidence is reproducible.
  The conventional reading — below 0.10 stable, 0.10–0.25 a moderate shift, above 0.25 a major
  one — comes from credit scoring (Siddiqi 2006; Yurdakul 2018); it is a convention, not law,
  and it is insensitive to small location shifts (a 0.3 SD shift of a normal feature gives a
  decile PSI of about 0.086), hence the standardised mean shift beside it.
* **Standardised mean shift** ``(mean_b − mean_r) / sd_r`` with a normal interval from both
  samples' standard errors; read on Cohen's scale for *d* (0.2 small, 0.5 medium).
* **Jensen–Shannon distance** (base 2, in [0, 1]) of the same bins; agrees with
  ``scipy.spatial.distance.jensenshannon(r, b, base=2)``.
* **Kolmogorov–Smirnov statistic** and **Wasserstein-1 distance** from the reference's quantile
  sketch and the batch's sorted values; within about ``2 / Q`` (KS) and the sketch's resolution
  (Wasserstein) of ``scipy.stats.ks_2samp`` and ``scipy.stats.wasserstein_distance`` on the raw
  rows, which the tests check.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import numpy.typing as npt

from auditor.stats.intervals import z_value

FloatArray = npt.NDArray[np.float64]
BOOTSTRAP_DRAWS = 200
"""Multinomial bootstrap replicates for the PSI interval."""


@dataclass(frozen=True)
class Estimate:
    """An effect size per row with its interval and standard error.

    ``centre`` is what the tests against a threshold use: the bias-corrected estimate where the
    estimator is biased (PSI), else ``value`` itself.
    """

    value: FloatArray
    low: FloatArray
    high: FloatArray
    se: FloatArray
    centre: FloatArray | None = None


def _prepare(reference: npt.ArrayLike, batch: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Proportions per bin with the zero rule of the module docstring (last axis = bins)."""
    r = np.asarray(reference, dtype=float)
    b = np.asarray(batch, dtype=float)
    r, b = np.broadcast_arrays(r, b)
    used = (r > 0) | (b > 0)
    zero = ((r == 0) | (b == 0)) & used
    bump = np.any(zero, axis=-1, keepdims=True)
    r = np.where(used, r + 0.5 * bump, 0.0)
    b = np.where(used, b + 0.5 * bump, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return r / r.sum(axis=-1, keepdims=True), b / b.sum(axis=-1, keepdims=True)


def psi(reference: npt.ArrayLike, batch: npt.ArrayLike) -> FloatArray:
    """Population stability index of binned counts (last axis = bins); NaN for an empty sample.

    Examples
    --------
    >>> round(float(psi([50, 30, 20], [20, 30, 50])), 4)
    0.5498
    """
    p, q = _prepare(reference, batch)
    with np.errstate(invalid="ignore", divide="ignore"):
        terms = np.where((p > 0) & (q > 0), (q - p) * np.log(q / p), 0.0)
    out = terms.sum(axis=-1)
    empty = (np.asarray(reference, dtype=float).sum(axis=-1) == 0) | (np.asarray(batch, dtype=float).sum(axis=-1) == 0)
    return np.where(empty, np.nan, out)


def psi_interval(reference: npt.ArrayLike, batch: npt.ArrayLike, *, seed: int, draws: int = BOOTSTRAP_DRAWS,
                 confidence: float = 0.95) -> Estimate:
    """PSI per row with a parametric-bootstrap percentile interval and standard error.

    Both samples are redrawn from their observed bin proportions with their own sizes, so the
    interval reflects the noise of the reference as well as of the batch.
    """
    r = np.atleast_2d(np.asarray(reference, dtype=np.int64))
    b = np.atleast_2d(np.asarray(batch, dtype=np.int64))
    value = psi(r, b)
    n_r, n_b = r.sum(axis=1), b.sum(axis=1)
    ok = (n_r > 0) & (n_b > 0)
    low = np.full(value.shape, np.nan)
    high = np.full(value.shape, np.nan)
    se = np.full(value.shape, np.nan)
    corrected = value.copy()
    if ok.any():
        rng = np.random.default_rng(seed)
        pr = r[ok] / n_r[ok, None]
        pb = b[ok] / n_b[ok, None]
        rr = rng.multinomial(n_r[ok], pr, size=(draws, int(ok.sum())))
        bb = rng.multinomial(n_b[ok], pb, size=(draws, int(ok.sum())))
        replicates = psi(rr, bb)
        tail = (1.0 - confidence) / 2.0 * 100.0
        # The plug-in PSI is biased upwards (about (k - 1)(1/n_r + 1/n_b) at no shift) and its
        # replicates are biased again: the basic ("reverse percentile") interval corrects that.
        centre = value[ok]
        low[ok] = np.clip(2 * centre - np.percentile(replicates, 100.0 - tail, axis=0), 0.0, centre)
        high[ok] = np.maximum(2 * centre - np.percentile(replicates, tail, axis=0), centre)
        se[ok] = replicates.std(axis=0, ddof=1)
        corrected[ok] = np.maximum(2 * centre - replicates.mean(axis=0), 0.0)
    return Estimate(value, low, high, se, corrected)


def beyond_p(estimate: Estimate, threshold: float) -> tuple[npt.NDArray[np.bool_], FloatArray]:
    """Whether each estimate exceeds ``threshold``, and the one-sided p-value of "it does not".

    ``p = 1 − Φ((centre − threshold) / se)``: small when the data show the value beyond the
    threshold. A zero standard error gives 0 or 1.
    """
    value, se = estimate.value, estimate.se
    centre = estimate.centre if estimate.centre is not None else value
    beyond = np.isfinite(value) & (value > threshold)
    p = np.full(value.shape, np.nan)
    for i in np.flatnonzero(np.isfinite(value)):
        if not np.isfinite(se[i]) or se[i] <= 0:
            p[i] = 0.0 if centre[i] > threshold else 1.0
        else:
            p[i] = 1.0 - NormalDist().cdf((centre[i] - threshold) / se[i])
    return beyond, p


def js_distance(reference: npt.ArrayLike, batch: npt.ArrayLike) -> FloatArray:
    """Jensen–Shannon distance (base 2) of binned counts, without the zero correction."""
    r = np.asarray(reference, dtype=float)
    b = np.asarray(batch, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = r / r.sum(axis=-1, keepdims=True)
        q = b / b.sum(axis=-1, keepdims=True)
        m = (p + q) / 2.0
        kl_p = np.where(p > 0, p * np.log2(p / m), 0.0).sum(axis=-1)
        kl_q = np.where(q > 0, q * np.log2(q / m), 0.0).sum(axis=-1)
        return np.sqrt(np.maximum((kl_p + kl_q) / 2.0, 0.0))


def mean_shift(ref_mean: npt.ArrayLike, ref_sd: npt.ArrayLike, ref_n: npt.ArrayLike,
               mean: npt.ArrayLike, sd: npt.ArrayLike, n: npt.ArrayLike, confidence: float = 0.95) -> Estimate:
    """Standardised mean shift ``(mean − ref_mean) / ref_sd`` with a normal interval.

    NaN where the reference has no spread or either sample has fewer than two values.
    """
    mr, sr, nr, mb, sb, nb = (np.asarray(v, dtype=float) for v in (ref_mean, ref_sd, ref_n, mean, sd, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        ok = (sr > 0) & (nr > 1) & (nb > 1)
        d = np.where(ok, (mb - mr) / sr, np.nan)
        se = np.where(ok, np.sqrt(sb**2 / nb + sr**2 / nr) / sr, np.nan)
    z = z_value(confidence)
    return Estimate(d, d - z * se, d + z * se, se)


def sketch_levels(n_quantiles: int) -> FloatArray:
    """Probability levels of a quantile sketch: the midpoints ``(i + 0.5) / Q``."""
    return (np.arange(n_quantiles) + 0.5) / n_quantiles


def sorted_quantiles(sorted_values: FloatArray, levels: FloatArray) -> FloatArray:
    """Quantiles of sorted values at ``levels`` (linear interpolation, numpy's default)."""
    if sorted_values.size == 0:
        return np.full(levels.shape, np.nan)
    position = levels * (sorted_values.size - 1)
    lower = np.floor(position).astype(np.int64)
    upper = np.minimum(lower + 1, sorted_values.size - 1)
    weight = position - lower
    return sorted_values[lower] * (1.0 - weight) + sorted_values[upper] * weight


def ks_statistic(reference_sketch: FloatArray, sorted_values: FloatArray) -> float:
    """Two-sample KS statistic between a reference quantile sketch and a batch's sorted values.

    The reference CDF is the sketch's step function (``#(q_i <= x) / Q``), the batch's its
    empirical CDF; the supremum is taken over the sketch points and the batch's quantiles at
    the same levels, which bounds the error by about ``2 / Q``.
    """
    if reference_sketch.size == 0 or sorted_values.size == 0:
        return float("nan")
    levels = sketch_levels(reference_sketch.size)
    grid = np.union1d(reference_sketch, sorted_quantiles(sorted_values, levels))
    f_ref = np.searchsorted(reference_sketch, grid, side="right") / reference_sketch.size
    f_batch = np.searchsorted(sorted_values, grid, side="right") / sorted_values.size
    return float(np.max(np.abs(f_ref - f_batch)))


def ks_p_value(statistic: float, n_reference: int, n_batch: int) -> float:
    """Two-sided p-value of the two-sample KS statistic (the one-sample distribution at the effective size)."""
    if not np.isfinite(statistic) or n_reference <= 0 or n_batch <= 0:
        return float("nan")
    from scipy.stats import kstwo

    effective = n_reference * n_batch / (n_reference + n_batch)
    return float(kstwo.sf(statistic, max(int(round(effective)), 1)))  # what ks_2samp(method="asymp") uses


def wasserstein(reference_sketch: FloatArray, sorted_values: FloatArray) -> float:
    """Wasserstein-1 distance ``∫ |Q_ref(u) − Q_batch(u)| du`` on the sketch's levels."""
    if reference_sketch.size == 0 or sorted_values.size == 0:
        return float("nan")
    levels = sketch_levels(reference_sketch.size)
    return float(np.mean(np.abs(reference_sketch - sorted_quantiles(sorted_values, levels))))


__all__ = ["Estimate", "beyond_p", "js_distance", "ks_p_value", "ks_statistic", "mean_shift", "psi", "psi_interval",
           "sketch_levels", "sorted_quantiles", "wasserstein"]
