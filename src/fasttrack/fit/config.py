"""The track fit's configuration and its per-layer-pattern constants.

Model (parameters in :func:`fasttrack.truthfit.param_names` order, so fitted tracks are
compared with the same truth as the truth fit)
-------------------------------------------------------------------------------------
The measurements ``y`` of a track (one hit per layer, rows ``(layer, coordinate)`` in
layer order) follow ``y = H·p + N(p)``: ``H`` is the nominal model linearised at the
straight line, ``N`` its non-linear remainder (zero for the straight-line presets).

* telescope: ``x_l = x_ref + tx·(z_l − z_ref)``, ``p = (tx, x_ref_mm)``; exact.
* velo: ``x_l = u + tx·(z_l − z_ref)``, ``y_l = v + ty·(z_l − z_ref)``,
  ``p = (u_mm, v_mm, tx, ty)``; exact (a free line, as the truth fit's).
* barrel: ``φ_l = φ_T − k·(q/pT)·(r_l − r_T)``, ``z_l = z0 + cotθ·r_l`` with
  ``k = ½·0.3e-3·B``, ``p = (qoverpt, phi_t, z0_mm, cot_theta)``; the helix's remainder
  ``N`` (``asin`` and the arc length) is subtracted from the measurements at a seed
  (the finder's q/pT, then the previous pass's parameters): see :mod:`fasttrack.fit.kernels`.

The measurement covariance of a pattern ``P`` (the set of layers a track has hits on) is
``V_P = D + S_b`` restricted to ``P``'s rows: ``D`` the single-hit resolutions
(:func:`fasttrack.truthfit.measurement_sigma`) and ``S_b`` the multiple scattering (and
barrel beam spot) covariance *averaged over a calibration sample* of reconstructable
particles (:func:`noise_covariance`, with the truth fit's own Jacobians of the
generator's propagation). A fit with constants cannot know each track's momentum; with
the population's mean covariance the estimator's error covariance over that population is
exactly ``C_P`` below, so the pulls have unit width on the population. On the barrel the
average is taken in bins of |q/pT| (``qoverpt_bins``), chosen by the seed's |q/pT|, so a
stiff track is not weighted like a soft one.

Per pattern (and bin) the constants are ``C = (Hᵀ V⁻¹ H)⁻¹`` (the parameters'
covariance), ``W = C Hᵀ V⁻¹`` (``p̂ = W·y``) and ``V⁻¹`` (``χ² = eᵀ V⁻¹ e`` with
``e = y − H p̂``, ``ndof = rows − parameters``).

Fixed point (bit-exact golden model, :func:`fasttrack.fit.kernels.fit_fixed`)
--------------------------------------------------------------------------
Every LSB is a power of two. Measurements are ``MEAS_BITS``-bit signed integers
(round half up, saturate); parameters ``PARAM_BITS``; constants ``COEF_BITS`` signed with
a fractional shift per parameter (``W``), per config (``V⁻¹``, ``H``): see
:class:`FitTables`. χ² is a ``CHI2_BITS``-bit unsigned integer with ``CHI2_FRAC`` fractional
bits. Errors and correlations of the covariance table: ``err_hw = round(σ/LSB·2^ERR_FRAC)``,
``corr_hw = round(ρ·2^CORR_FRAC)``.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from typing import Any

import awkward as ak
import numba as nb
import numpy as np

from .. import truthfit
from ..detector import CURVATURE_PER_TESLA_GEV_MM, Detector
from ..events import Events

__all__ = [
    "CHI2_BITS",
    "CHI2_FRAC",
    "COEF_BITS",
    "CORR_FRAC",
    "ERR_FRAC",
    "MEAS_BITS",
    "PARAM_BITS",
    "FitConfig",
    "FitTables",
    "noise_covariance",
]

MEAS_BITS = 24  # signed measurement words
PARAM_BITS = 32  # signed parameter words
COEF_BITS = 27  # signed constants (W, V⁻¹, H)
CHI2_BITS = 16  # unsigned χ² word
CHI2_FRAC = 4  # χ² LSB = 1/16
INDEX_BITS = 16  # signed pattern index, row counts, layer and hit index words of the HLS kernel
RES_BITS = 18  # signed residual e = y − H·p̂ (saturated before the quadratic form)
ERR_FRAC = 4  # err_hw = σ / LSB_p · 2^ERR_FRAC
CORR_FRAC = 15  # corr_hw = ρ · 2^CORR_FRAC
POLY_FRAC = 30  # Q30 of the barrel's helix remainder (x = k·q·r, asin polynomials)
# the telescope/velo/barrel fit LSBs: log2 of the LSB per measurement and per parameter
_LSB_LOG2: dict[str, int] = {
    "x": -10,
    "y": -10,
    "phi": -20,
    "z": -6,
    "tx": -22,
    "ty": -22,
    "x_ref_mm": -12,
    "u_mm": -12,
    "v_mm": -12,
    "qoverpt": -16,
    "phi_t": -20,
    "z0_mm": -6,
    "cot_theta": -16,
}
# the calibration sample: events per preset kind and its seed
CALIBRATION_SEED = 20261204
_CALIBRATION_EVENTS = {"telescope": 600, "barrel": 2000, "velo": 30}
_DEFAULT_BINS = (0.0, 0.08, 0.16, 0.25, 0.35, 0.5)  # |q/pT| /GeV bin edges (barrel); last bin open


def _pow2(name: str, value: float) -> int:
    e = math.log2(value)
    if e != round(e):
        raise ValueError(f"FitConfig: the LSB of {name} must be a power of two, got {value}")
    return round(e)


@dataclass(frozen=True, eq=False)
class FitConfig:
    """A track fit for one detector.

    Attributes
    ----------
    detector: the detector (layers, field, reference plane or radius, event mix).
    meas_lsb, param_lsb: LSB per measurement / parameter (powers of two).
    qoverpt_bins: |q/pT| bin edges (/GeV) of the scattering covariance (barrel; the
        last bin is open); ``()`` for the straight-line presets.
    n_passes: fit passes (barrel: the helix remainder is re-evaluated at the previous
        pass's parameters); 1 for the straight-line presets.
    min_hits: the fewest hits (distinct layers) a fitted track has; fewer: not fitted.
    drop_hit_chi2: outlier rule: while a track has more than ``min_hits`` hits and its
        largest χ² contribution of one hit exceeds ``drop_hit_chi2 · n_meas``, that hit is
        dropped and the track refitted with the smaller pattern, at most ``max_drops``
        times (fixed: compared in χ² LSBs, threshold rounded half up).
    calibration_events: events of the calibration sample (:func:`noise_covariance`).
    """

    detector: Detector
    meas_lsb: tuple[float, ...]
    param_lsb: tuple[float, ...]
    qoverpt_bins: tuple[float, ...] = ()
    n_passes: int = 1
    min_hits: int = 3
    drop_hit_chi2: float = 9.0
    max_drops: int = 2
    calibration_events: int = 0
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.meas_lsb) != len(self.meas_names):
            raise ValueError(f"FitConfig.meas_lsb needs one LSB per measurement {self.meas_names}")
        if len(self.param_lsb) != len(self.param_names):
            raise ValueError(f"FitConfig.param_lsb needs one LSB per parameter {self.param_names}")
        for n, v in zip(self.meas_names + self.param_names, self.meas_lsb + self.param_lsb, strict=True):
            _pow2(n, v)
        if self.max_drops < 0 or self.drop_hit_chi2 <= 0:
            raise ValueError("FitConfig: max_drops must be >= 0 and drop_hit_chi2 > 0")
        if self.n_passes < 1:
            raise ValueError("FitConfig.n_passes must be >= 1")
        if self.min_hits * self.n_meas <= self.n_params:
            raise ValueError(
                f"FitConfig.min_hits={self.min_hits} leaves no degree of freedom: "
                f"{self.n_params} parameters, {self.n_meas} measurements per hit"
            )
        if self.helix != bool(self.qoverpt_bins):
            raise ValueError("FitConfig.qoverpt_bins: give bin edges for the barrel's helix, none otherwise")

    # --- the model ------------------------------------------------------------------------
    @classmethod
    def for_detector(cls, det: Detector, **overrides: Any) -> FitConfig:
        """The defaults for ``det`` (LSBs from ``_LSB_LOG2``, the barrel's bins, 2 passes)."""
        helix = det.kind == "cylinder"
        kw: dict[str, Any] = {
            "meas_lsb": tuple(2.0 ** _LSB_LOG2[m] for m in truthfit.measurement_names(det)),
            "param_lsb": tuple(2.0 ** _LSB_LOG2[p] for p in truthfit.param_names(det)),
            "qoverpt_bins": _DEFAULT_BINS if helix else (),
            "n_passes": 2 if helix else 1,
            "calibration_events": _CALIBRATION_EVENTS.get(det.name, 1000),
        }
        kw.update(overrides)
        return cls(det, **kw)

    @property
    def helix(self) -> bool:
        return self.detector.kind == "cylinder"

    @property
    def param_names(self) -> tuple[str, ...]:
        return truthfit.param_names(self.detector)

    @property
    def meas_names(self) -> tuple[str, ...]:
        return truthfit.measurement_names(self.detector)

    @property
    def n_params(self) -> int:
        return len(self.param_names)

    @property
    def n_meas(self) -> int:
        return len(self.meas_names)

    @property
    def n_layers(self) -> int:
        return self.detector.n_layers

    @property
    def n_bins(self) -> int:
        return max(1, len(self.qoverpt_bins))

    @property
    def kh(self) -> float:
        """``k = ½·0.3e-3·B`` per mm per GeV (the helix's curvature per unit q/pT, halved)."""
        return 0.5 * CURVATURE_PER_TESLA_GEV_MM * self.detector.bz_tesla

    @property
    def reference_mm(self) -> float:
        d = self.detector
        return float(d.reference_r_mm if self.helix else d.reference_z_mm)

    def layer_h(self) -> np.ndarray:
        """``H`` per layer, (n_layers, n_meas, n_params) (module docstring)."""
        pos = self.detector.positions_mm()
        ref = self.reference_mm
        h = np.zeros((self.n_layers, self.n_meas, self.n_params))
        for lay in range(self.n_layers):
            d = pos[lay] - ref
            if self.helix:
                h[lay, 0, 0], h[lay, 0, 1] = -self.kh * d, 1.0
                h[lay, 1, 2], h[lay, 1, 3] = 1.0, pos[lay]
            elif self.n_meas == 2:
                h[lay, 0, 0], h[lay, 0, 2] = 1.0, d
                h[lay, 1, 1], h[lay, 1, 3] = 1.0, d
            else:
                h[lay, 0, 0], h[lay, 0, 1] = d, 1.0
        return h

    def qoverpt_bin(self, qoverpt: np.ndarray) -> np.ndarray:
        """The scattering bin of seeds ``qoverpt`` (0 for the straight-line presets)."""
        q = np.abs(np.asarray(qoverpt, dtype=np.float64))
        if not self.helix:
            return np.zeros(q.shape, dtype=np.int64)
        edges = np.asarray(self.qoverpt_bins[1:])
        return np.searchsorted(edges, np.nan_to_num(q, nan=0.0), side="right").astype(np.int64)

    # --- the constants --------------------------------------------------------------------
    def noise(self) -> np.ndarray:
        """The averaged scattering covariance per bin, (n_bins, rows, rows) (cached)."""
        if "noise" not in self._cache:
            self._cache["noise"] = _calibrated_noise(
                self.detector.to_json(), self.calibration_events, tuple(self.qoverpt_bins)
            )
        return np.asarray(self._cache["noise"])

    @property
    def tables(self) -> FitTables:
        """The pattern tables (grow as new patterns are asked for; see :class:`FitTables`)."""
        if "tables" not in self._cache:
            self._cache["tables"] = FitTables(self)
        tab = self._cache["tables"]
        assert isinstance(tab, FitTables)
        return tab


# ------------------------------------------------------------------------------------------
# calibration: the scattering covariance averaged over reconstructable particles
# ------------------------------------------------------------------------------------------
@nb.njit(cache=True)
def _accumulate_noise(
    ltab: np.ndarray,
    is_cyl: bool,
    k_b: float,
    mass: float,
    beam_x: float,
    beam_y: float,
    n_meas: int,
    kin: np.ndarray,
    masks: np.ndarray,
    bins: np.ndarray,
    s: np.ndarray,
    n: np.ndarray,
) -> None:
    n_layers = ltab.shape[0]
    jac = np.zeros((n_layers, 2, 2 * n_layers + 2))
    for g in range(kin.shape[0]):
        truthfit._noise_jacobians(ltab, is_cyl, k_b, mass, kin[g], beam_x, beam_y, n_meas, jac)
        b = bins[g]
        for l1 in range(n_layers):
            if not (masks[g] >> l1) & 1:
                continue
            for l2 in range(n_layers):
                if not (masks[g] >> l2) & 1:
                    continue
                n[b, l1, l2] += 1.0
                for m1 in range(n_meas):
                    for m2 in range(n_meas):
                        acc = 0.0
                        for k in range(jac.shape[2]):
                            acc += jac[l1, m1, k] * jac[l2, m2, k]
                        s[b, l1 * n_meas + m1, l2 * n_meas + m2] += acc


def noise_covariance(events: Events, qoverpt_bins: tuple[float, ...] = ()) -> np.ndarray:
    """The scattering (and barrel beam-spot) covariance of the measurements averaged over
    the reconstructable particles of ``events``: (n_bins, rows, rows), rows ``layer·n_meas
    + m``; element ``(r, s)`` averages the particles with hits on both rows' layers (0
    where none has). With ``qoverpt_bins`` the particles are binned by their true |q/pT|.
    """
    from .. import generate, truthtrack

    det = events.detector
    parts = events.particles
    if parts is None:
        raise ValueError("noise_covariance needs events with truth particles")
    is_cyl = det.kind == "cylinder"
    n_meas = len(truthfit.measurement_names(det))
    counts = np.asarray(ak.num(parts, axis=1), dtype=np.int64)
    p_ev = np.repeat(np.arange(len(counts)), counts)
    pid = np.asarray(ak.flatten(parts.particle_id), dtype=np.int64)
    rec = np.asarray(ak.flatten(parts.reconstructable), dtype=bool)
    # layer mask of each particle, from its hits
    offsets, cols = events.flat_hits()
    h_ev = np.repeat(np.arange(len(events)), np.diff(offsets))
    key_p = p_ev * (1 << 32) + pid
    key_h = h_ev * (1 << 32) + cols["particle_id"].astype(np.int64)
    order = np.argsort(key_p)
    pos = np.searchsorted(key_p[order], key_h)
    pos = np.minimum(pos, len(order) - 1)
    ok = (cols["particle_id"] > 0) & (key_p[order][pos] == key_h)
    masks = np.zeros(len(pid), dtype=np.int64)
    np.bitwise_or.at(masks, order[pos[ok]], np.left_shift(1, cols["layer"][ok].astype(np.int64)))
    kin = truthtrack.particle_kinematics(events, p_ev[rec], pid[rec])
    good = np.all(np.isfinite(kin), axis=1)
    kin, masks = kin[good], masks[rec][good]
    n_bins = max(1, len(qoverpt_bins))
    if qoverpt_bins:
        qopt = np.abs(np.asarray(ak.flatten(parts.charge), float) / np.asarray(ak.flatten(parts.pt_gev), float))
        bins = np.searchsorted(np.asarray(qoverpt_bins[1:]), qopt[rec][good], side="right").astype(np.int64)
    else:
        bins = np.zeros(len(kin), dtype=np.int64)
    rows = det.n_layers * n_meas
    s = np.zeros((n_bins, rows, rows))
    n = np.zeros((n_bins, det.n_layers, det.n_layers))
    mix = det.mix
    _accumulate_noise(
        generate._layer_table(det),
        is_cyl,
        CURVATURE_PER_TESLA_GEV_MM * det.bz_tesla,
        float(mix.mass_gev),
        float(mix.beam_sigma_x_mm) if is_cyl else 0.0,
        float(mix.beam_sigma_y_mm) if is_cyl else 0.0,
        n_meas,
        np.ascontiguousarray(kin),
        masks,
        bins,
        s,
        n,
    )
    nn = np.repeat(np.repeat(n, n_meas, axis=1), n_meas, axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(nn > 0, s / np.maximum(nn, 1.0), 0.0)


@functools.lru_cache(maxsize=16)
def _calibrated_noise(det_json: str, n_events: int, bins: tuple[float, ...]) -> np.ndarray:
    from .. import generate

    det = Detector.from_json(det_json)
    ev = generate.generate(det, n_events, seed=CALIBRATION_SEED, progress=False)
    out = noise_covariance(ev, bins)
    out.setflags(write=False)
    return out


# ------------------------------------------------------------------------------------------
# the pattern tables
# ------------------------------------------------------------------------------------------
def _frac_for(max_abs: float, bits: int, margin: float = 4.0) -> int:
    """The most fractional bits that keep ``margin·max_abs`` inside ``bits`` signed bits."""
    if max_abs <= 0.0:
        return 0
    return int(math.floor(math.log2((2.0 ** (bits - 1) - 1) / (margin * max_abs))))


def _quantize(x: np.ndarray, frac: int, bits: int) -> np.ndarray:
    """``round(x·2^frac)`` (half up) saturated to ``bits`` signed bits, int64."""
    hi = (1 << (bits - 1)) - 1
    raw = np.floor(np.ldexp(np.asarray(x, dtype=np.float64), frac) + 0.5)
    return np.clip(raw, -hi - 1, hi).astype(np.int64)


class FitTables:
    """The constants of every (layer pattern, q/pT bin) asked for so far.

    Keys are ``mask·n_bins + bin`` (``mask``: bit ``l`` set for a hit on layer ``l``);
    :meth:`index` adds missing patterns (the telescope and barrel build all patterns with
    at least ``min_hits`` layers up front; the velo's 2^26 patterns are built as tracks
    need them). Float arrays (rows compacted in layer order, padded to ``n_layers·n_meas``):
    ``W`` (k, n_p, R), ``vinv`` (k, R, R), ``cov`` (k, n_p, n_p), ``qd`` (k, R). Fixed:
    ``w_hw`` with fractional bits ``w_frac`` per parameter, ``vinv_hw`` with ``vinv_frac``,
    ``qd_hw`` (``qd / LSB²``) with ``qd_frac``, ``h_hw``
    (per layer) with ``h_frac``, ``err_hw``, ``corr_hw``. The fractional shifts come from
    every pattern (telescope, barrel) or, on the velo, the patterns with the largest
    constants (``min_hits`` consecutive layers, all layers; margin 2); constants beyond
    ``COEF_BITS`` saturate, counted in ``n_saturated``.
    """

    def __init__(self, config: FitConfig) -> None:
        self.config = cfg = config
        self.layer_h = cfg.layer_h()
        self.sigma = truthfit.measurement_sigma(cfg.detector)
        self.noise = cfg.noise()
        self.rows = cfg.n_layers * cfg.n_meas
        self.keys: list[int] = []
        self._index: dict[int, int] = {}
        self._w: list[np.ndarray] = []
        self._vinv: list[np.ndarray] = []
        self._cov: list[np.ndarray] = []
        self._qd: list[np.ndarray] = []
        self._arrays: dict[str, np.ndarray] | None = None
        self.n_saturated = 0  # constants at the COEF_BITS limit (see arrays())
        meas_lsb = np.asarray(cfg.meas_lsb)
        param_lsb = np.asarray(cfg.param_lsb)
        self.meas_lsb_row = np.tile(meas_lsb, cfg.n_layers)  # per full row
        # fractional shifts from the patterns of the largest constants: the shortest lever
        # arms (min_hits consecutive layers) and the all-layers pattern, of every bin
        # (every pattern where they can be enumerated)
        if cfg.n_layers <= 12:
            bounds = [m for m in range(1, 1 << cfg.n_layers) if bin(m).count("1") >= cfg.min_hits]
        else:
            bounds = [(1 << cfg.n_layers) - 1]
            bounds += [((1 << cfg.min_hits) - 1) << i for i in range(cfg.n_layers - cfg.min_hits + 1)]
        w_max = np.zeros(cfg.n_params)
        v_max = qd_max = 0.0
        for b, full in ((b, m) for b in range(cfg.n_bins) for m in bounds):
            w, vinv, _, qd = self._solve(full, b)
            qd_max = max(qd_max, float(np.abs(qd / self.meas_lsb_row**2).max()))
            w_int = w * self.meas_lsb_row[None, :] / param_lsb[:, None]
            w_max = np.maximum(w_max, np.abs(w_int).max(axis=1))
            v_max = max(v_max, float(np.abs(vinv * np.outer(self.meas_lsb_row, self.meas_lsb_row)).max()))
        self.w_frac = np.array([_frac_for(m, COEF_BITS, 2.0) for m in w_max], dtype=np.int64)
        self.vinv_frac = _frac_for(v_max, COEF_BITS, 2.0)
        self.qd_frac = _frac_for(qd_max, COEF_BITS, 2.0)
        h_int = self.layer_h * param_lsb[None, None, :] / meas_lsb[None, :, None]
        self.h_frac = _frac_for(float(np.abs(h_int).max()), COEF_BITS, margin=1.0)
        self.h_hw = _quantize(h_int, self.h_frac, COEF_BITS)
        if cfg.n_layers <= 12:
            masks = [m for m in range(1, 1 << cfg.n_layers) if bin(m).count("1") >= cfg.min_hits]
            self.index(
                np.repeat(np.array(masks, dtype=np.int64), cfg.n_bins), np.tile(np.arange(cfg.n_bins), len(masks))
            )

    def covariance(self, mask: int, b: int) -> np.ndarray:
        """The measurement covariance ``V`` of pattern ``mask`` in bin ``b`` (rows in layer order)."""
        cfg = self.config
        lays = [lay for lay in range(cfg.n_layers) if (mask >> lay) & 1]
        idx = np.array([lay * cfg.n_meas + m for lay in lays for m in range(cfg.n_meas)])
        # the element-wise average of the calibration need not be positive semi-definite:
        # clip its negative eigenvalues (the nearest PSD matrix)
        s = self.noise[b][np.ix_(idx, idx)]
        val, vec = np.linalg.eigh(0.5 * (s + s.T))
        s = (vec * np.maximum(val, 0.0)) @ vec.T
        return s + np.diag(self.sigma[lays].ravel() ** 2)

    def _solve(self, mask: int, b: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``W`` (n_p, R), ``V⁻¹`` (R, R), ``C`` and ``qd`` (R,) of a pattern (padded):
        ``qd_r = 1 / Q_rr`` with ``Q = V⁻¹ − V⁻¹ H C Hᵀ V⁻¹`` (``Q·y = V⁻¹·e``), so
        ``(V⁻¹e)_r²·qd_r`` is row ``r``'s standardised residual squared."""
        cfg = self.config
        lays = [lay for lay in range(cfg.n_layers) if (mask >> lay) & 1]
        h = self.layer_h[lays].reshape(-1, cfg.n_params)
        v = self.covariance(mask, b)
        vinv = np.linalg.inv(v)
        vinv = 0.5 * (vinv + vinv.T)
        cov = np.linalg.inv(h.T @ vinv @ h)
        cov = 0.5 * (cov + cov.T)
        w = cov @ h.T @ vinv
        n = len(v)
        w_pad = np.zeros((cfg.n_params, self.rows))
        w_pad[:, :n] = w
        v_pad = np.zeros((self.rows, self.rows))
        v_pad[:n, :n] = vinv
        q_diag = np.diag(vinv - vinv @ h @ cov @ h.T @ vinv)
        qd_pad = np.zeros(self.rows)
        qd_pad[:n] = np.where(q_diag > 0, 1.0 / np.where(q_diag > 0, q_diag, 1.0), 0.0)
        return w_pad, v_pad, cov, qd_pad

    def index(self, masks: np.ndarray, bins: np.ndarray) -> np.ndarray:
        """Table index of each ``(mask, bin)``; builds the missing ones."""
        n_bins = self.config.n_bins
        keys = np.asarray(masks, dtype=np.int64) * n_bins + np.asarray(bins, dtype=np.int64)
        out = np.empty(len(keys), dtype=np.int64)
        for i, k in enumerate(keys.tolist()):
            j = self._index.get(k)
            if j is None:
                w, vinv, cov, qd = self._solve(k // n_bins, k % n_bins)
                j = len(self.keys)
                self._index[k] = j
                self.keys.append(k)
                self._w.append(w)
                self._vinv.append(vinv)
                self._cov.append(cov)
                self._qd.append(qd)
                self._arrays = None
            out[i] = j
        return out

    def arrays(self) -> dict[str, np.ndarray]:
        """The float and fixed tables of the patterns built so far (see the class docstring)."""
        if self._arrays is None:
            cfg = self.config
            w = np.array(self._w).reshape(-1, cfg.n_params, self.rows)
            vinv = np.array(self._vinv).reshape(-1, self.rows, self.rows)
            cov = np.array(self._cov).reshape(-1, cfg.n_params, cfg.n_params)
            plsb = np.asarray(cfg.param_lsb)
            w_int = w * self.meas_lsb_row[None, None, :] / plsb[None, :, None]
            w_hw = np.stack([_quantize(w_int[:, i], int(self.w_frac[i]), COEF_BITS) for i in range(cfg.n_params)], 1)
            v_int = vinv * np.outer(self.meas_lsb_row, self.meas_lsb_row)[None]
            err = np.sqrt(np.diagonal(cov, axis1=1, axis2=2))
            corr = cov / (err[:, :, None] * err[:, None, :])
            w_hw_all = w_hw.reshape(-1, cfg.n_params, self.rows)
            vinv_hw = _quantize(v_int, self.vinv_frac, COEF_BITS)
            qd = np.array(self._qd).reshape(-1, self.rows)
            qd_hw = _quantize(qd / self.meas_lsb_row[None, :] ** 2, self.qd_frac, COEF_BITS)
            top = (1 << (COEF_BITS - 1)) - 1
            self.n_saturated = int(sum((np.abs(a) >= top).sum() for a in (w_hw_all, vinv_hw, qd_hw)))
            self._arrays = {
                "keys": np.array(self.keys, dtype=np.int64),
                "w": w,
                "vinv": vinv,
                "cov": cov,
                "w_hw": w_hw_all,
                "vinv_hw": vinv_hw,
                "qd": qd,
                "qd_hw": qd_hw,
                "err_hw": _quantize(err / plsb[None, :], ERR_FRAC, PARAM_BITS),
                "corr_hw": _quantize(corr, CORR_FRAC, CORR_FRAC + 2),
            }
        return self._arrays

    def cov_fixed(self, index: np.ndarray) -> np.ndarray:
        """The fixed-point covariance of the patterns ``index``: from ``err_hw``, ``corr_hw``."""
        a = self.arrays()
        err = np.ldexp(a["err_hw"][index].astype(np.float64), -ERR_FRAC) * np.asarray(self.config.param_lsb)
        corr = np.ldexp(a["corr_hw"][index].astype(np.float64), -CORR_FRAC)
        return err[:, :, None] * err[:, None, :] * corr
