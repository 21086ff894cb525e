r"""Derived quantities of a fitted curve, vectorised over parameter arrays.

Every function takes a :class:`~sksigmoid.growth._models.CurveModel` and its
parameters in ``param_names`` order (floats, or arrays that broadcast, e.g.
one entry per curve of a plate) and is built from the model's profile
:math:`P(u)` and location :math:`u(t)` alone, so it holds for every model of
the table. ``x_scale="log"`` means :math:`t = \ln x`; results are in x units.
"""

import numpy as np

__all__ = [
    "x_at_fraction",
    "effective_dose",
    "inflection_point",
    "max_slope",
    "lag_time",
]


def _to_x(t, x_scale):
    return np.exp(t) if x_scale == "log" else t


def x_at_fraction(curve_model, params, q, x_scale="linear"):
    r"""x at which the profile reaches :math:`P(u) = q`: :math:`t^{-1}(P^{-1}(q))`."""
    _, _, slope, loc, shape = curve_model.unpack(params)
    u = curve_model.profile.inverse(q, *shape)
    return _to_x(curve_model.location.t_from_u(u, slope, loc), x_scale)


def effective_dose(curve_model, params, p, x_scale="linear"):
    r"""ED\ :sub:`p`, counted from the low-x end as drc's ``ED``.

    :math:`q = p/100` for an increasing curve (slope > 0) and :math:`1 - p/100`
    for a decreasing one, so ED10 < ED50 < ED90 either way.
    """
    slope = curve_model.unpack(params)[2]
    q = np.where(np.asarray(slope) > 0, p / 100, 1 - p / 100)
    return x_at_fraction(curve_model, params, q, x_scale)


def _u_inflection(curve_model, shape):
    return curve_model.profile.u_inflection(*shape)


def inflection_point(curve_model, params, x_scale="linear"):
    r"""x of the inflection point, :math:`t^{-1}(u_i)`.

    :math:`u_i = 0` for the logistic, Gompertz and Weibull profiles,
    :math:`-\ln(\mathrm{shape})` for Richards, :math:`\ln(\mathrm{shape})` for
    5PL (against ln x for hill, weibull and ``x_scale="log"``).
    """
    _, _, slope, loc, shape = curve_model.unpack(params)
    u = _u_inflection(curve_model, shape)
    return _to_x(curve_model.location.t_from_u(u, slope, loc), x_scale)


def max_slope(curve_model, params):
    r"""Maximum slope :math:`(\mathrm{top} - \mathrm{bottom})\,P'(u_i)\,\mathrm{slope}`.

    Per unit of t (of ln x for hill, weibull and ``x_scale="log"``); negative
    for a decreasing curve.
    """
    bottom, top, slope, _, shape = curve_model.unpack(params)
    u = _u_inflection(curve_model, shape)
    return (top - bottom) * curve_model.profile.d_u(u, *shape) * slope


def lag_time(curve_model, params, x_scale="linear"):
    r"""Where the tangent at the inflection meets the starting asymptote.

    :math:`u_\lambda = u_i - (P(u_i) - P_0)/P'(u_i)`, :math:`P_0 = 0` for an
    increasing and 1 for a decreasing curve (Zwietering et al. 1990), in x units.
    """
    _, _, slope, loc, shape = curve_model.unpack(params)
    profile = curve_model.profile
    u = _u_inflection(curve_model, shape)
    p_start = np.where(np.asarray(slope) > 0, 0.0, 1.0)
    u_lag = u - (profile.value(u, *shape) - p_start) / profile.d_u(u, *shape)
    return _to_x(curve_model.location.t_from_u(u_lag, slope, loc), x_scale)
