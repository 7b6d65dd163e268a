"""Sending-or-not-sending twin-field QKD (SNS-TF-QKD).

Protocol and rate: X.-B. Wang, Z.-W. Yu, X.-L. Hu, "Twin-field quantum key
distribution with large misalignment error", PRA 98, 062323 (2018). In Z
windows each client sends a phase-randomised coherent state ``mu_z`` with
probability ``eps`` (Alice's bit 1, Bob's bit 0) or nothing; effective events
where exactly one client sent are correct bits; "untagged" bits are those
where the sender sent exactly one photon. The key rate (reference notes B2):

    R = 2 eps (1 - eps) mu_z exp(-mu_z) s1 [1 - H(e1_ph)] - f S_Z H(E_Z)

Asymptotic rates take the basis-sifting factor ``p_z^2 -> 1`` (infinitely long
keys); the finite-key rate keeps ``p_z`` as a parameter to optimise.

Variants (all vectorised; arrays broadcast, e.g. distance x parameter grid):

- :func:`rate_infinite_decoy`: ``s1`` and ``e1_ph`` exact (infinitely many decoys);
- :func:`rate_three_intensity`: vacuum, ``mu1``, ``mu2`` decoys in X windows with the
  one-sided-count bounds of Yu, Hu, Jiang, Xu, Wang, Sci. Rep. 9, 3080 (2019)
  (reference notes B2, marked there [UNVERIFIED exact form]); asymptotic, or
  finite key (``pulses``) with Chernoff bounds on every count and the
  random-sampling gap from X to Z (structure of Jiang, Yu, Hu, Wang, PR Applied
  12, 024061 (2019)); the finite-key security terms are
  ``log2(2/eps_cor) + 2 log2(1/(sqrt(2) eps_PA))`` with every epsilon = ``failure``;
- ``aopp=True``: actively odd-parity pairing (Xu, Yu, Jiang, Hu, Wang, PRA 101,
  042330 (2020)): surviving bit error ``E0 E1 / ((1-E0)(1-E1) + E0 E1)`` and
  untagged-pair phase error ``2 e1 (1 - e1)`` (reference notes B2,
  [UNVERIFIED against the paper's appendix]); asymptotic only.

The off state (not sending, vacuum decoy) is a weak coherent state
``leak * mu_z`` when the intensity modulators' extinction ratio is finite
(``leak = 10^(-ER/10)``); the untagged-bit count then needs the other client
to emit no photon (factor ``exp(-leak mu_z)``).
"""

from __future__ import annotations

import numpy as np

from weiming.sims.network.common import (chernoff_lower, chernoff_upper, h2, matched_clicks, one_click,
                                         sampling_gap, single_photon_phase_error)


def _z_window(eta, pd, mu_z, eps, mu_off):
    nvv = one_click(eta * mu_off, eta * mu_off, pd)
    nzv = one_click(eta * mu_z, eta * mu_off, pd)
    nzz = one_click(eta * mu_z, eta * mu_z, pd)
    s_z = (1 - eps) ** 2 * nvv + 2 * eps * (1 - eps) * nzv + eps ** 2 * nzz
    err = (1 - eps) ** 2 * nvv + eps ** 2 * nzz
    return {"nvv": nvv, "nzv": nzv, "nzz": nzz, "s_z": s_z, "e_z": err / s_z}


def single_photon_exact(eta, pd, e_d, slices):
    """Infinite-decoy single-photon yield ``s1`` and phase-flip error ``e1`` (notes B2, derived)."""
    s1 = eta * (1 - pd) + 2 * (1 - eta) * pd * (1 - pd)
    e_opt = single_photon_phase_error(e_d, slices)
    e1 = (e_opt * eta * (1 - pd) + (1 - eta) * pd * (1 - pd)) / s1
    return s1, e1


def _aopp(z, n_untagged_bits, e1, f_ec, eps):
    """SNS + AOPP rate from the Z-window quantities (notes B2; Xu et al. PRA 101, 042330 (2020))."""
    n_b0 = eps * (1 - eps) * z["nzv"] + eps ** 2 * z["nzz"]          # Bob sent (his bit 0)
    n_b1 = (1 - eps) ** 2 * z["nvv"] + eps * (1 - eps) * z["nzv"]    # Bob did not send (bit 1)
    e0 = eps ** 2 * z["nzz"] / n_b0
    e1b = (1 - eps) ** 2 * z["nvv"] / n_b1
    n_g = np.minimum(n_b0, n_b1)
    keep = (1 - e0) * (1 - e1b) + e0 * e1b
    e_bit = e0 * e1b / keep
    u = n_untagged_bits / 2                                          # untagged bits of each kind
    n1p = n_g * (u / n_b0) * (u / n_b1)
    e1p = 2 * e1 * (1 - e1)
    return n1p * (1 - h2(e1p)) - f_ec * n_g * keep * h2(e_bit), e_bit


def rate_infinite_decoy(eta, pd, e_d, f_ec, mu_z, eps, *, leak=0.0, slices=16, aopp=False, **_):
    """Asymptotic SNS rate per pulse with exact single-photon quantities. ``eta``: per-arm transmittance
    including the detector."""
    mu_off = leak * mu_z
    z = _z_window(eta, pd, mu_z, eps, mu_off)
    s1, e1 = single_photon_exact(eta, pd, e_d, slices)
    n1 = 2 * eps * (1 - eps) * mu_z * np.exp(-mu_z - mu_off) * s1
    if aopp:
        r, e_bit = _aopp(z, n1, e1, f_ec, eps)
    else:
        r, e_bit = n1 * (1 - h2(e1)) - f_ec * z["s_z"] * h2(z["e_z"]), z["e_z"]
    return {"rate": np.maximum(r, 0.0), "qber_z": z["e_z"], "qber_z_after": e_bit, "s1": s1, "e1": e1,
            "qber_x": single_photon_phase_error(e_d, slices) + 0 * eta}


def decoy_bounds(s_mu1, s_mu2, s_00, t_x, mu1, mu2):
    """Three-intensity SNS decoy bounds (notes B2): lower bound of the single-photon yield
    and upper bound of the X-basis single-photon phase error."""
    s1_l = (mu2 ** 2 * np.exp(mu1) * s_mu1 - mu1 ** 2 * np.exp(mu2) * s_mu2
            - (mu2 ** 2 - mu1 ** 2) * s_00) / (mu1 * mu2 * (mu2 - mu1))
    s1_l = np.maximum(s1_l, 1e-300)
    e1_u = (t_x - np.exp(-2 * mu1) * s_00 / 2) / (2 * mu1 * np.exp(-2 * mu1) * s1_l)
    return s1_l, np.clip(e1_u, 0.0, 0.5)


def x_window(eta, pd, e_d, mu1, mu2, mu_off, slices):
    """Expected X-window observables: one-sided decoy counts, vacuum counts, matched-window errors."""
    s00 = one_click(eta * mu_off, eta * mu_off, pd)
    s1 = one_click(eta * mu1, eta * mu_off, pd)
    s2 = one_click(eta * mu2, eta * mu_off, pd)
    t_x, d_x = matched_clicks(eta * mu1, pd, e_d, slices)
    return {"s00": s00, "s_mu1": s1, "s_mu2": s2, "t_x": t_x, "d_x": d_x}


def rate_three_intensity(eta, pd, e_d, f_ec, mu_z, eps, mu1, mu2, *, leak=0.0, slices=16, aopp=False,
                         pulses=None, p_z=None, x_probs=(0.2, 0.6, 0.2), failure=1e-10, **_):
    """SNS rate per pulse with vacuum + two decoys; asymptotic (``pulses=None``) or finite key."""
    mu_off = leak * mu_z
    z = _z_window(eta, pd, mu_z, eps, mu_off)
    x = x_window(eta, pd, e_d, mu1, mu2, mu_off, slices)
    qber_x = x["t_x"] / x["d_x"]
    if pulses is None:
        s1_l, e1_u = decoy_bounds(x["s_mu1"], x["s_mu2"], x["s00"], x["t_x"], mu1, mu2)
        n1 = 2 * eps * (1 - eps) * mu_z * np.exp(-mu_z - mu_off) * s1_l
        if aopp:
            r, e_bit = _aopp(z, n1, e1_u, f_ec, eps)
        else:
            r, e_bit = n1 * (1 - h2(e1_u)) - f_ec * z["s_z"] * h2(z["e_z"]), z["e_z"]
        return {"rate": np.maximum(r, 0.0), "qber_z": z["e_z"], "qber_z_after": e_bit, "qber_x": qber_x,
                "s1": s1_l, "e1": e1_u}
    if aopp:
        raise ValueError("aopp: the finite-key AOPP analysis is not implemented; use asymptotic with aopp")
    n = float(pulses)
    p_z = 0.9 if p_z is None else p_z
    p_x = 1 - p_z
    pv, p1, p2 = x_probs
    n00, n10, n20 = n * p_x ** 2 * pv ** 2, 2 * n * p_x ** 2 * p1 * pv, 2 * n * p_x ** 2 * p2 * pv
    n11 = n * p_x ** 2 * p1 ** 2 * 2 / slices          # matched phase slices (delta ~ 0 or ~ pi)
    s00_u = chernoff_upper(n00 * x["s00"], failure) / n00
    s00_l = chernoff_lower(n00 * x["s00"], failure) / n00
    s_mu1_l = chernoff_lower(n10 * x["s_mu1"], failure) / n10
    s_mu2_u = chernoff_upper(n20 * x["s_mu2"], failure) / n20
    t_x_u = chernoff_upper(n11 * x["t_x"], failure) / n11
    s1_l, _ = decoy_bounds(s_mu1_l, s_mu2_u, s00_u, t_x_u, mu1, mu2)
    _, e1x_u = decoy_bounds(s_mu1_l, s_mu2_u, s00_l, t_x_u, mu1, mu2)
    n_zw = n * p_z ** 2
    n1 = chernoff_lower(n_zw * 2 * eps * (1 - eps) * mu_z * np.exp(-mu_z - mu_off) * s1_l, failure)
    n1x = n11 * 2 * mu1 * np.exp(-2 * mu1) * s1_l
    e1 = np.clip(e1x_u + sampling_gap(n1x, n1, e1x_u, failure), 0, 0.5)
    n_t = n_zw * z["s_z"]
    sec = np.log2(2 / failure) + 2 * np.log2(1 / (np.sqrt(2) * failure))
    key = n1 * (1 - h2(e1)) - f_ec * n_t * h2(z["e_z"]) - sec
    return {"rate": np.maximum(key / n, 0.0), "qber_z": z["e_z"], "qber_z_after": z["e_z"], "qber_x": qber_x,
            "s1": s1_l, "e1": e1}
