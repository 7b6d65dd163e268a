"""CLI command ``weiming network``: TF-QKD key rates per channel pair, PLOB, networking capability, key-rate yield.

Two modes:

- with chips (default): the design (``--config``) and network file (``--network``);
  chip metrics from the yield Monte Carlo, the build manifest (``--manifest``) and the comb-line power;
- ``--eta-d/--pd/--ed/--loss-db-km`` all given: the ideal model with explicit link parameters, no chips.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from weiming.commands._common import fail, print_json

LINK_OPTIONS = ("--eta-d", "--pd", "--ed", "--loss-db-km")


def register(app: typer.Typer) -> None:
    """Add ``weiming network`` to ``app``."""

    @app.command(name="network")
    def network_cmd(
        config: Optional[Path] = typer.Option(None, "--config", help="Design YAML merged over the default design."),
        network: Optional[Path] = typer.Option(None, "--network", help="Network YAML merged over the default network."),
        distance_km: Optional[float] = typer.Option(None, "--distance-km",
                                                    help="Client-to-client fibre (km); default spec.network.distance_km."),
        protocol: Optional[str] = typer.Option(None, "--protocol", help="sns | pm (default: the network file's)."),
        finite_key: Optional[bool] = typer.Option(None, "--finite-key/--asymptotic",
                                                  help="Finite-key (SNS) or asymptotic rates (default: network file)."),
        eta_d: Optional[float] = typer.Option(None, "--eta-d", help="Detector efficiency (ideal mode)."),
        pd: Optional[float] = typer.Option(None, "--pd", help="Noise click probability per detector per gate (ideal mode)."),
        ed: Optional[float] = typer.Option(None, "--ed", help="Misalignment error (ideal mode)."),
        loss_db_km: Optional[float] = typer.Option(None, "--loss-db-km", help="Fibre loss dB/km (ideal mode)."),
        decoy: str = typer.Option("three", "--decoy", help="SNS decoy analysis: three | infinite."),
        manifest: Optional[Path] = typer.Option(None, "--manifest", help="Build manifest.json with per-client laser entries."),
        quick: bool = typer.Option(False, "--quick", help="Fewer Monte Carlo wafers and pairs."),
        as_json: bool = typer.Option(False, "--json", help="Print the result JSON on stdout."),
        png: Optional[Path] = typer.Option(None, "--png", help="Write the key rate vs distance plot here."),
    ) -> None:
        """Key rate of every channel pair at --distance-km against the PLOB bound, networking capability
        and key-rate yield (or the ideal model with explicit --eta-d --pd --ed --loss-db-km)."""
        from weiming.sims.network.link import NetworkError

        if protocol is not None and protocol not in ("sns", "pm"):
            fail(f"--protocol {protocol!r}: must be sns or pm")
        if decoy not in ("three", "infinite"):
            fail(f"--decoy {decoy!r}: must be three or infinite")
        if distance_km is not None and not 0 < distance_km <= 5000:
            fail(f"--distance-km {distance_km!r}: must be in (0, 5000]")
        given = {o: v for o, v in zip(LINK_OPTIONS, (eta_d, pd, ed, loss_db_km)) if v is not None}
        if given and len(given) != len(LINK_OPTIONS):
            missing = [o for o in LINK_OPTIONS if o not in given]
            fail(f"{', '.join(missing)}: the ideal model needs all of {', '.join(LINK_OPTIONS)}")
        for p in (config, network, manifest):
            if p is not None and not p.is_file():
                fail(f"{p}: file not found")
        try:
            if given:
                from weiming.sims.network.evaluate import evaluate_ideal

                if distance_km is None:
                    fail("--distance-km: required with explicit link parameters")
                res = evaluate_ideal(protocol=protocol or "sns", eta_d=eta_d, pd=pd, e_d=ed, loss_db_per_km=loss_db_km,
                                     distance_km=distance_km, finite_key=bool(finite_key), decoy=decoy,
                                     network=network)
            else:
                from weiming.circuits.design import DesignError
                from weiming.sims.network.evaluate import evaluate_network

                try:
                    res = evaluate_network(config, network, distance_km=distance_km, protocol=protocol,
                                           finite_key=finite_key, manifest=manifest, quick=quick)
                except DesignError as e:
                    fail(str(e))
        except (NetworkError, ValueError) as e:
            fail(str(e).splitlines()[0])
        if png is not None:
            from weiming.sims.network.plot import plot_curves

            plot_curves(res, png)
        if as_json:
            print_json(res)
            return
        typer.echo(f"{res['protocol']} at {res['distance_km']} km: PLOB absolute {res['plob_absolute']:.3g}, "
                   f"conditional {res['plob_conditional']:.3g} per pulse")
        for p in res["pairs"]:
            typer.echo(f"  channel {p['channel']} {p['clients']}: {p['key_rate_per_pulse']:.3g} per pulse, "
                       f"{p['ratio_to_plob']:.3g} x PLOB, QBER_X {p['qber_x']:.3g}"
                       + (f"  limited by: {p['limited_by']}" if p.get("limited_by") else ""))
        if res.get("networking_capability_km") is not None:
            y = res["key_rate_yield"]
            typer.echo(f"networking capability {res['networking_capability_km']:.0f} km; key-rate yield "
                       f"{y['value']:.3f} [{y['ci95'][0]:.3f}, {y['ci95'][1]:.3f}]")
            for n in res["notes"]:
                typer.echo(f"note: {n}")
