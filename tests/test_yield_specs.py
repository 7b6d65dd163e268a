"""Every spec of the default spec file can fail under a plausible process draw.

"Plausible": inside the 1 - 1e-4 probability ellipsoid of the die-level process distribution
(Mahalanobis radius sqrt(chi2_n(0.9999)) for n parameters), plus the model's local mismatch -- a draw
that a production run of ~10^4 dies (about 40 wafers of this client chip) meets about once. We search
20,000 dies spread uniformly over that ball and require each parametric spec to fail on at least one. A killer-defect spec can fail
whenever its device has a critical area > 0 and D0 > 0 (P(kill) = 1 - exp(-D0 A g) > 0).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from weiming.sims.wafer import devices as dv
from weiming.sims.wafer.config import load_config
from weiming.sims.wafer.process import ProcessSample, process_model
from weiming.sims.wafer.run import _ctx
from weiming.sims.wafer.sites import WaferLayout
from weiming.sims.wafer.specs import load_specs

N_DIES = 20_000
P_TAIL = 1e-4


def _plausible_sample(pdk: str, process: dict) -> ProcessSample:
    m = process_model(pdk, process)
    names = sorted(m.params)
    rng = np.random.default_rng(17)
    r_max = np.sqrt(stats.chi2.ppf(1 - P_TAIL, len(names)))
    z = rng.standard_normal((N_DIES, len(names)))
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    z *= r_max * rng.random((N_DIES, 1)) ** (1 / len(names))      # uniform in the ball of radius r_max
    layout = WaferLayout(np.zeros((N_DIES, 2)), (1.0, 1.0), (1.1, 1.1), 50.0, 45.0)
    die = {n: (m.params[n].sigma * z[:, i])[None, :] for i, n in enumerate(names)}
    return ProcessSample(m, layout, die, rng)


@pytest.fixture(scope="module")
def setup():
    design, process = load_config()
    return design, process, load_specs()


def test_every_default_spec_can_fail(setup):
    design, process, specs = setup
    failing, checked = {}, []
    for chip in ("client", "server"):
        cd = getattr(design, chip)
        ps = _plausible_sample(cd.pdk, process)
        ctx = _ctx(design, ps.layout)
        for name, dd in cd.devices.items():
            metrics = dv.DEVICES[name].evaluate(ps, dd.model_dump(), ctx, dd.count)
            for s in specs:
                if s.device != name:
                    continue
                checked.append(s.name)
                if s.metric == dv.DEFECT_METRIC:
                    failing[s.name] = dd.area_um2 > 0 and process_model(cd.pdk, process).d0_per_cm2 > 0
                else:
                    failing[s.name] = bool((~s.passes(metrics[s.metric])).any())
    never = sorted(k for k, v in failing.items() if not v)
    assert not never, f"specs that cannot fail under a plausible draw: {never}"
    # every spec of the default file whose device is on a default chip was checked
    on_chips = {s.name for s in specs if s.device in design.client.devices or s.device in design.server.devices}
    assert on_chips == set(checked)
