r"""Internal units of a fit: what makes every fit independent of the user's units.

A fit is carried out on centred and scaled data,

.. math::
    t' = (t - c_t)/s_t, \qquad y' = (y - c_y)/s_y, \qquad w' = w / s_w,

and the parameters move with the data: an amplitude (``bottom``, ``top``) as
:math:`y`, a location (``x_mid``, or :math:`\ln K` of a log model) as
:math:`t`, a slope (``rate``, ``n``) as :math:`1/t`, a profile shape not at
all. Shifting or scaling x, scaling y or the weights changes the data in user
units only: the internal problem, and so the fit, is the same to rounding.
Models without a lower asymptote are not shift-invariant in y
(:math:`c_y = 0`).

The centres and scales are read off the data (per curve for ``y`` and ``w``:
the curves of a plate have their own; pooled over the curves of a global fit,
whose shared parameters must mean the same in each); a constant maps to scale 1.
"""

import numpy as np

__all__ = ["Units"]


def _centre_and_scale(values, weights, centred):
    """Per column of ``values`` (points on axis 0): a centre and a positive scale.

    The centre is the weighted mean (0 unless ``centred``), the scale the
    largest absolute deviation from it; 1 where it is 0 or not finite.
    """
    # per column over contiguous rows: the same sums whatever the other columns
    seen = ((weights > 0) & np.isfinite(values)).T
    w = np.where(seen, weights.T, 0.0)
    v = np.where(seen, values.T, 0.0)
    total = w.sum(axis=1)
    with np.errstate(all="ignore"):
        centre = (w * v).sum(axis=1) / total if centred else np.zeros(v.shape[0])
    centre = np.where(np.isfinite(centre), centre, 0.0)
    deviation = np.where(seen, np.abs(v - centre[:, None]), 0.0).max(
        axis=1, initial=0.0
    )
    scale = np.where((deviation > 0) & np.isfinite(deviation), deviation, 1.0)
    return centre, scale


class Units:
    """The internal units of a batch of curves sharing one input axis.

    Parameters
    ----------
    t_centre, t_scale : float or ndarray of shape (n_features,)
        Of the input axis (or of each feature of a linear index).
    y_centre, y_scale, w_scale : ndarray of shape (n_curves,)
    """

    def __init__(self, t_centre, t_scale, y_centre, y_scale, w_scale):
        self.t_centre, self.t_scale = t_centre, t_scale
        self.y_centre, self.y_scale, self.w_scale = y_centre, y_scale, w_scale
        self._affine = {}

    @classmethod
    def from_data(cls, t, Y, W, *, centre_y, centre_t=True):
        """Units read off the data.

        Parameters
        ----------
        t : ndarray of shape (n_points,) or (n_points, n_features)
            The model's axis (``-inf`` for ``ln 0`` is ignored).
        Y, W : ndarray of shape (n_points, n_curves)
            Responses (NaN missing) and weights (0 drops a point).
        centre_y : bool
            Whether y may be shifted (models with a ``bottom``).
        centre_t : bool, default=True
            Whether t may be shifted (False for the features of a linear
            index, whose shift the intercept would have to absorb).
        """
        seen = (W > 0) & np.isfinite(Y)
        weight_of_point = seen.any(axis=1).astype(float)
        t2 = t if t.ndim == 2 else t[:, None]
        if centre_t:
            lo = np.where(np.isfinite(t2), t2, np.inf).min(
                axis=0, where=weight_of_point[:, None] > 0, initial=np.inf
            )
            hi = np.where(np.isfinite(t2), t2, -np.inf).max(
                axis=0, where=weight_of_point[:, None] > 0, initial=-np.inf
            )
            ok = np.isfinite(lo) & np.isfinite(hi)  # not so where every t is ln 0
            lo, hi = np.where(ok, lo, 0.0), np.where(ok, hi, 0.0)
            t_centre, half = (lo + hi) / 2, (hi - lo) / 2
            t_scale = np.where(half > 0, half, 1.0)
        else:
            t_centre, t_scale = _centre_and_scale(
                t2, np.broadcast_to(weight_of_point[:, None], t2.shape), False
            )
        if t.ndim == 1:
            t_centre, t_scale = float(t_centre[0]), float(t_scale[0])
        y_centre, y_scale = _centre_and_scale(Y, W, centre_y)
        w_max = np.where(seen, W, 0.0).max(axis=0, initial=0.0)  # exact in any order
        w_scale = np.where(w_max > 0, w_max, 1.0)
        return cls(t_centre, t_scale, y_centre, y_scale, w_scale)

    @classmethod
    def pooled(cls, t, Y, W, *, centre_y):
        """One set of units for every curve (a global fit: a parameter shared
        by the curves must mean the same in each), read off all the data at
        once: every curve's data stacked as one curve, whose axis units (from
        the extremes of the points some curve observes) are also those of the
        curves side by side."""
        n_curves = Y.shape[1]
        one = cls.from_data(
            np.tile(t, n_curves),
            Y.T.reshape(-1, 1),
            W.T.reshape(-1, 1),
            centre_y=centre_y,
        )
        return cls(
            one.t_centre,
            one.t_scale,
            np.repeat(one.y_centre, n_curves),
            np.repeat(one.y_scale, n_curves),
            np.repeat(one.w_scale, n_curves),
        )

    def unscaled_response(self):
        """The same units with y neither shifted nor scaled (a likelihood fit:
        the variance of a proportion or a count is a function of its mean)."""
        n = self.y_scale.shape[0]
        return Units(self.t_centre, self.t_scale, np.zeros(n), np.ones(n), self.w_scale)

    # ---------------------------------------------------------------- data
    def t(self, t):
        """The axis in internal units (``-inf`` stays ``-inf``)."""
        return (t - self.t_centre) / self.t_scale

    def Y(self, Y):
        """Responses (n_points, n_curves) in internal units."""
        return (Y - self.y_centre) / self.y_scale

    def W(self, W):
        return W / self.w_scale

    def residual_scale(self):
        r"""How a weighted residual :math:`\sqrt{w}\,r` scales: :math:`s_y\sqrt{s_w}`."""
        return self.y_scale * np.sqrt(self.w_scale)

    # ---------------------------------------------------------- parameters
    def affine(self, kinds, rows=None):
        """``offset, scale`` (n_curves, n_params): axis-unit = offset + scale * internal.

        ``kinds`` holds a ``(kind, index)`` per parameter: "amplitude" (moves
        with y), "location" (with t), "slope" (with 1/t), "coef" (with 1 over
        feature ``index``), "shape" and "intercept" (do not move).
        """
        if rows is None:
            if kinds not in self._affine:
                self._affine[kinds] = self._affine_of(kinds, None)
            return self._affine[kinds]
        return self._affine_of(kinds, rows)

    def _affine_of(self, kinds, rows):
        y_c, y_s = self.y_centre, self.y_scale
        if rows is not None:
            y_c, y_s = y_c[rows], y_s[rows]
        n = y_c.shape[0]
        offset = np.zeros((n, len(kinds)))
        scale = np.ones((n, len(kinds)))
        t_c = np.atleast_1d(self.t_centre)
        t_s = np.atleast_1d(self.t_scale)
        for j, (kind, index) in enumerate(kinds):
            if kind == "amplitude":
                offset[:, j], scale[:, j] = y_c, y_s
            elif kind == "location":
                offset[:, j], scale[:, j] = t_c[0], t_s[0]
            elif kind == "slope":
                scale[:, j] = 1 / t_s[0]
            elif kind == "coef":
                scale[:, j] = 1 / t_s[index]
        return offset, scale

    def to_internal(self, params, kinds, rows=None):
        offset, scale = self.affine(kinds, rows)
        return (params - offset) / scale

    def from_internal(self, params, kinds, rows=None):
        offset, scale = self.affine(kinds, rows)
        return offset + scale * params
