"""The peer side of ``benchmarks/bench_stress.py``: pymrio and BoARIO on the systems Kaifang's side wrote.

Runs in the peers' own environment (``benchmarks/.peers-venv``, packages pinned in ``requirements.txt`` beside this
file), never in the project's: BoARIO is GPL and pymrio brings pyarrow and more. Invoked as

    benchmarks/.peers-venv/bin/python benchmarks/peers/peer_stress.py {io|ario} IN.npz OUT.npz

* ``io``: ``IN.npz`` holds ``Z`` (n×n), ``Y`` (n×k), ``VA`` (1×n), ``repeats``. A one-region pymrio ``IOSystem`` with
  the value added as the ``factor_inputs`` extension; ``calc_all()`` (x, A, L, S, M, footprints) is timed on a fresh
  copy each repeat; then pymrio's ``calc_A``/``calc_L``/``calc_S``/``calc_M`` on plain numpy arrays. Writes
  ``seconds`` and ``numpy_seconds`` (all repeats), ``L``, ``output_multipliers`` (column sums of L, which pymrio
  does not name) and ``va_multipliers`` (the extension's M = S L).
* ``ario``: ``IN.npz`` holds the two-region ``Z``, ``Y`` (one final-demand column per region), ``VA``, ``regions``,
  ``sectors`` and a JSON ``spec`` (parameters, event, days, repeats). Builds ``ARIOPsiModel`` + ``Simulation`` with
  an ``EventArbitraryProd`` (a productive-capacity loss, rebuilding off) and times model construction and the loop
  separately (all repeats in ``init_seconds``, ``loop_seconds``). Writes the ``production`` path (days × industries,
  in the order of ``regions`` × ``sectors``); from one more, untimed run stepped by hand, the ``capacity_loss`` Δ(t)
  and ``overproduction`` α(t) each step used (BoARIO records α only into files); and the versions.
"""

from __future__ import annotations

import copy
import json
import logging
import sys
import tempfile
import time
import warnings
from importlib.metadata import version
from typing import Any

import numpy as np
import pandas as pd


def io_peer(data: dict[str, np.ndarray]) -> dict[str, Any]:
    import pymrio

    z, y, va = data["Z"], data["Y"], data["VA"]
    n = z.shape[0]
    sectors = [f"s{i:03d}" for i in range(n)]
    idx = pd.MultiIndex.from_product([["CN"], sectors], names=["region", "sector"])
    cols = pd.MultiIndex.from_product([["CN"], [f"fd{k}" for k in range(y.shape[1])]], names=["region", "category"])
    base = pymrio.IOSystem(
        Z=pd.DataFrame(z, index=idx, columns=idx),
        Y=pd.DataFrame(y, index=idx, columns=cols),
        factor_inputs={
            "name": "factor_inputs",
            "F": pd.DataFrame(va.reshape(1, n), index=["value added"], columns=idx),
        },
    )
    times = []
    io = base
    for _ in range(int(data["repeats"])):
        io = copy.deepcopy(base)  # calc_all computes only what is missing: start from Z, Y, F each time
        t0 = time.perf_counter()
        io.calc_all()
        times.append(time.perf_counter() - t0)
    L = io.L.to_numpy()
    x = z.sum(axis=1) + y.sum(axis=1)
    numpy_times = []
    for _ in range(int(data["repeats"])):  # pymrio's iomath functions on numpy arrays: no frames, no footprints
        t0 = time.perf_counter()
        L_np = pymrio.calc_L(pymrio.calc_A(z, x))
        pymrio.calc_M(pymrio.calc_S(va.reshape(1, n), x), L_np)
        L_np.sum(axis=0)
        numpy_times.append(time.perf_counter() - t0)
    return {
        "seconds": np.array(times),
        "numpy_seconds": np.array(numpy_times),
        "L": L,
        "output_multipliers": L.sum(axis=0),
        "va_multipliers": io.factor_inputs.M.to_numpy().reshape(-1),
        "pymrio": np.array(version("pymrio")),
    }


def ario_peer(data: dict[str, np.ndarray]) -> dict[str, Any]:
    import pymrio
    from boario.event import from_series
    from boario.extended_models import ARIOPsiModel
    from boario.simulation import Simulation

    logging.getLogger("boario").setLevel(logging.WARNING)
    spec = json.loads(str(data["spec"]))
    regions = [str(r) for r in data["regions"]]
    sectors = [str(s) for s in data["sectors"]]
    idx = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    fd_cols = pd.MultiIndex.from_product([regions, ["final demand"]], names=["region", "category"])
    mriot = pymrio.IOSystem(
        Z=pd.DataFrame(data["Z"], index=idx, columns=idx),
        Y=pd.DataFrame(data["Y"], index=idx, columns=fd_cols),
        factor_inputs={
            "name": "factor_inputs",
            "F": pd.DataFrame(data["VA"].reshape(1, -1), index=["value added"], columns=idx),
        },
    )
    mriot.calc_all()
    ev = spec["event"]
    impact = pd.Series([ev["loss"]], index=pd.MultiIndex.from_tuples([(ev["region"], ev["sector"])]))
    p = spec["params"]
    order = pd.MultiIndex.from_product([regions, sectors])

    def simulation(out: str) -> Simulation:
        model = ARIOPsiModel(
            mriot,
            order_type=p["order_type"],
            alpha_base=1.0,
            alpha_max=p["alpha_max"],
            alpha_tau=p["tau_alpha"],
            main_inv_dur=p["inventory_days"],
            psi_param=p["psi"],
            inventory_restoration_tau=p["tau_inventory"],
            monetary_factor=1,
        )
        sim = Simulation(model, n_temporal_units_to_sim=spec["days"], boario_output_dir=out)
        sim.add_event(
            from_series(
                impact,
                event_type="arbitrary",
                occurrence=ev["occurrence"],
                duration=ev["duration"],
                recovery_tau=ev["recovery_tau"],
            )
        )
        return sim

    init_times, loop_times = [], []
    production = np.zeros(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "no capital to VA dictionary" etc.: capital plays no part here
        for _ in range(int(spec["repeats"])):
            with tempfile.TemporaryDirectory(prefix="boario") as out:
                t0 = time.perf_counter()
                sim = simulation(out)
                t1 = time.perf_counter()
                sim.loop()
                t2 = time.perf_counter()
                production = sim.production_realised.reindex(columns=order).to_numpy()
            init_times.append(t1 - t0)
            loop_times.append(t2 - t1)
        # one more run, step by step and untimed: the capacity loss and overproduction the model actually used
        # (BoARIO records its overproduction only into files)
        with tempfile.TemporaryDirectory(prefix="boario") as out:
            sim = simulation(out)
            delta, alpha = [], []
            for _ in range(spec["days"]):
                sim.next_step()
                delta.append(sim.model.prod_cap_delta_tot.copy())
                alpha.append(sim.model.overprod.copy())
            again = sim.production_realised.reindex(columns=order).to_numpy()
    same = np.array_equal(again, production)
    return {
        "init_seconds": np.array(init_times),
        "loop_seconds": np.array(loop_times),
        "production": production,
        "capacity_loss": np.array(delta),
        "overproduction": np.array(alpha),
        "stepwise_identical": np.array(same),
        "boario": np.array(version("boario")),
        "pymrio": np.array(version("pymrio")),
    }


def main() -> None:
    part, src, dst = sys.argv[1:4]
    with np.load(src, allow_pickle=False) as f:
        data = {k: f[k] for k in f.files}
    out: dict[str, Any] = io_peer(data) if part == "io" else ario_peer(data)
    np.savez(dst, **out)


if __name__ == "__main__":
    main()
