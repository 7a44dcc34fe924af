"""Stress-test benchmark (issue 8): Kaifang's input-output core and ARIO model beside pymrio and BoARIO, one run.

(a) **Leontief inverse and multipliers**, 2020 153-sector table (``china_2020_153.csv`` read with ``read_nbs``):
    Kaifang's ``iomath`` (A = Z x̂⁻¹, L = (I − A)⁻¹, output multipliers i'L, value-added multipliers v'L) against
    pymrio's ``IOSystem.calc_all()`` on the same one-region system (Z, Y, the value added as the ``factor_inputs``
    extension: calc_all computes x, A, L, S, M and the footprint accounts). Median of ``--repeats``; max |ΔL| and
    max |Δ multipliers|. Goal: no slower than pymrio.

(b) **ARIO, 365 days, 42 sectors × two regions** built from the 2020 42-sector table (:func:`two_region_system`):
    Kaifang's ``run_ario`` against BoARIO's ``ARIOPsiModel`` + ``Simulation``, the same Z, Y, VA and parameters
    (90 days of stock of every product, ψ = 0.8, τ_inv = 60 days, α_max = 1.25, τ_α = 365 days, no rebuilding)
    and the same shock: 30 % of the productive capacity of one sector of region R1 lost for 30 days (BoARIO: an
    ``EventArbitraryProd``). Wall time of each (ratio; goal Kaifang ≥ 2× faster) and the maximum relative difference
    of the production paths, max_t,i |x_K − x_B| / x⁰_i (goal ≤ 1 %), for each order convention of BoARIO.

The peers never enter the project's environment (BoARIO is GPL-3.0): they live in ``benchmarks/.peers-venv``
(created here with ``python -m venv`` and ``pip install -r benchmarks/peers/requirements.txt`` on first use) and
run as a subprocess (``benchmarks/peers/peer_stress.py``) on an .npz this script writes to a temporary directory.

    .venv/bin/python benchmarks/bench_stress.py [--days 365] [--repeats 5] [--skip-boario] [--skip-pymrio]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "china-io"
T153 = DATA / "china_2020_153.csv"
T42 = DATA / "china_2020_42.csv"
PEERS = Path(__file__).resolve().parent / "peers"
VENV = Path(__file__).resolve().parent / ".peers-venv"

Array = npt.NDArray[np.float64]

REGIONS = ("R1", "R2")
SHARE = (0.4, 0.6)  # each region's share of every sector's output (and of its inputs, value added, final demand)
IMPORTED_BY_R1 = 0.3  # share of region R1's purchases of each product that come from R2
PARAMS = {"inventory_days": 90, "psi": 0.8, "tau_inventory": 60, "alpha_max": 1.25, "tau_alpha": 365}
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
SHOCK: dict[str, Any] = {"region": "R1", "sector": "06", "loss": 0.3, "start": 10, "duration": 30}


def two_region_system(
    Z: npt.ArrayLike,
    Y: npt.ArrayLike,
    VA: npt.ArrayLike,
    Z_imports: npt.ArrayLike | None = None,
    share: tuple[float, float] = SHARE,
    imported_by_r1: float = IMPORTED_BY_R1,
) -> tuple[Array, Array, Array, Array]:
    """Split a national table (Z n×n, final demand Y n or n×k, value added VA n or m×n) into two regions.

    Region r holds the share w_r of every sector (same technology); buyers in region s take the share c_rs of each
    product from region r (columns of C sum to 1). With c_21 = ``imported_by_r1`` and the trade balance
    c_12 w_2 = c_21 w_1, every region's sales equal its output: Σ_s c_rs w_s = w_r. Then

        Z^{rs} = c_rs w_s Z,   y^{rs} = c_rs w_s y (one final-demand column per buying region),
        VA^s = w_s VA,   Z_imports^s = w_s Z_imports (foreign inputs, by product, bought in region s),

    so x = (w_1 x_N, w_2 x_N), A^{rs} = c_rs A, rows and columns balance as the national table does, summing the
    blocks over regions gives back Z, y, VA and Z_imports, and each region's output multipliers (column sums of the
    2n×2n Leontief inverse) are the national ones, since i'C = i'. Returns (Z 2n×2n, Y 2n×2, VA 2n or m×2n,
    Z_imports q×2n), industries ordered region-major.
    """
    w = np.asarray(share, dtype=float)
    if w.shape != (2,) or not np.isclose(w.sum(), 1.0) or (w <= 0).any():
        raise ValueError(f"share must be two positive shares summing to 1, got {share}")
    c21 = float(imported_by_r1)
    c12 = c21 * w[0] / w[1]
    if not (0 <= c21 <= 1 and 0 <= c12 <= 1):
        raise ValueError(f"imported_by_r1 = {c21} gives R2 an import share {c12:.3f} outside [0, 1]")
    c = np.array([[1.0 - c21, c12], [c21, 1.0 - c12]])
    flows = c * w[None, :]  # flows[r, s] = c_rs w_s
    z = np.asarray(Z, dtype=float)
    n = z.shape[0]
    y = np.asarray(Y, dtype=float).reshape(n, -1).sum(axis=1)
    va = np.asarray(VA, dtype=float)
    zm = np.zeros((0, n)) if Z_imports is None else np.asarray(Z_imports, dtype=float).reshape(-1, n)
    return (
        np.kron(flows, z),
        np.kron(flows, y[:, None]),
        np.concatenate([wr * va for wr in w], axis=-1),
        np.concatenate([wr * zm for wr in w], axis=1),
    )


# -- the peers' environment ------------------------------------------------------------------------------------------


def peer_python() -> Path:
    """The peers' interpreter: ``benchmarks/.peers-venv`` created and filled from requirements.txt when missing or
    when the requirements changed (a stamp file holds their hash)."""
    reqs = PEERS / "requirements.txt"
    digest = hashlib.sha256(reqs.read_bytes()).hexdigest()
    python = VENV / "bin" / "python"
    stamp = VENV / ".requirements.sha256"
    if python.exists() and stamp.exists() and stamp.read_text().strip() == digest:
        return python
    progress(f"preparing the peers' environment {VENV.relative_to(ROOT)} (pymrio, BoARIO; a minute or two) …")
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(reqs)],
        check=True,
        stdout=sys.stderr,
    )
    stamp.write_text(digest + "\n")
    return python


def run_peer(part: str, inputs: dict[str, Any], workdir: Path) -> dict[str, Any]:
    src, dst = workdir / f"{part}_in.npz", workdir / f"{part}_out.npz"
    np.savez(src, **inputs)
    subprocess.run([str(peer_python()), str(PEERS / "peer_stress.py"), part, str(src), str(dst)], check=True)
    with np.load(dst, allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def progress(message: str) -> None:
    print(f"… {message}", file=sys.stderr, flush=True)


def timed(fn: Callable[[], Any], repeats: int) -> tuple[list[float], Any]:
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


# -- (a) Leontief inverse and multipliers ----------------------------------------------------------------------------


def part_io(args: argparse.Namespace, workdir: Path) -> dict[str, Any] | None:
    from kaifang.stress import iomath
    from kaifang.stress.nbs import read_nbs

    if not T153.exists():
        print(f"(a) 跳过: 缺少参考数据 (skipped: {T153} not available)")
        return None
    progress(f"(a) reading {T153.name}")
    t = read_nbs(T153)

    def ours() -> tuple[Array, Array, Array]:
        A = iomath.calc_A(t.Z, t.x)
        L = iomath.calc_L(A)
        v = iomath.calc_coefficients(t.value_added, t.x)
        return L, iomath.calc_output_multipliers(L), iomath.calc_value_added_multipliers(L, v)

    repeats = 20 * args.repeats  # a millisecond or less: more repeats for a stable median
    ours()  # warm
    progress(f"(a) Kaifang iomath, {repeats} repeats")
    times, (L, m_out, m_va) = timed(ours, repeats)
    out: dict[str, Any] = {"n": t.n, "ours": float(np.median(times)), "repeats": repeats}
    progress(f"(a) pymrio calc_all, {repeats} repeats (peer environment)")
    peer = run_peer("io", {"Z": t.Z, "Y": t.Y, "VA": t.value_added[None, :], "repeats": repeats}, workdir)
    again, _ = timed(ours, repeats)
    out["ours"] = float(np.median(times + again))  # before and after the peer, as in (b)
    out |= {
        "peer": float(np.median(peer["seconds"])),
        "peer_numpy": float(np.median(peer["numpy_seconds"])),
        "dL": float(np.abs(L - peer["L"]).max()),
        "d_out": float(np.abs(m_out - peer["output_multipliers"]).max()),
        "d_va": float(np.abs(m_va - peer["va_multipliers"]).max()),
        "L_max": float(np.abs(L).max()),
        "pymrio": str(peer["pymrio"]),
    }
    return out


# -- (b) ARIO ---------------------------------------------------------------------------------------------------------


def part_ario(args: argparse.Namespace, workdir: Path) -> dict[str, Any] | None:
    from kaifang.stress.ario import ARIOParams, capacity_loss_path, run_ario
    from kaifang.stress.nbs import read_nbs

    if not T42.exists():
        print(f"(b) 跳过: 缺少参考数据 (skipped: {T42} not available)")
        return None
    progress(f"(b) reading {T42.name}, building the two-region system")
    t = read_nbs(T42)
    Z2, Y2, VA2, _ = two_region_system(t.Z, t.Y, t.value_added)  # imported inputs: never a constraint (as BoARIO)
    n = t.n
    k = REGIONS.index(SHOCK["region"]) * n + t.codes.index(str(SHOCK["sector"]))
    loss = capacity_loss_path(2 * n, args.days, k, float(SHOCK["loss"]), int(SHOCK["start"]), int(SHOCK["duration"]))
    products = list(range(n)) * 2
    out: dict[str, Any] = {"n": n, "days": args.days, "k": k}
    for split, order_type in (("baseline", "noalt"), ("capacity", "alt")):
        params = ARIOParams(
            inventory_days=PARAMS["inventory_days"],
            psi=PARAMS["psi"],
            tau_inventory=PARAMS["tau_inventory"],
            alpha_max=PARAMS["alpha_max"],
            tau_alpha=PARAMS["tau_alpha"],
            order_split=split,
        )

        def ours(params: ARIOParams = params) -> Any:
            return run_ario(Z2, Y2.sum(axis=1), VA2, args.days, capacity_loss=loss, products=products, params=params)

        ours()  # warm
        progress(f"(b) Kaifang run_ario, orders split '{split}', {args.repeats} repeats")
        times, r = timed(ours, args.repeats)
        res: dict[str, Any] = {"ours": float(np.median(times)), "loss_ours": r.production_loss()}
        if not args.skip_boario:
            progress(f"(b) BoARIO ARIOPsiModel, order_type '{order_type}', {args.repeats} repeats (peer environment)")
            spec = {
                "params": {**PARAMS, "order_type": order_type},
                "days": args.days,
                "repeats": args.repeats,
                # BoARIO applies an arbitrary-production event from step occurrence + 1 to occurrence + duration + 2
                # (the loss is read one step late, and recovery_tau = 1 adds a step): this gives Kaifang's path
                "event": {
                    "region": SHOCK["region"],
                    "sector": SHOCK["sector"],
                    "loss": SHOCK["loss"],
                    "occurrence": int(SHOCK["start"]) - 1,
                    "duration": int(SHOCK["duration"]) - 2,
                    "recovery_tau": 1,
                },
            }
            peer = run_peer(
                "ario",
                {
                    "Z": Z2,
                    "Y": Y2,
                    "VA": VA2[None, :],
                    "regions": np.array(REGIONS),
                    "sectors": np.array(t.codes),
                    "spec": np.array(json.dumps(spec)),
                },
                workdir,
            )
            progress(f"(b) Kaifang run_ario again, {args.repeats} repeats (the load on shared cores moves)")
            again, _ = timed(ours, args.repeats)
            res["ours"] = float(np.median(times + again))  # before and after the peer: the same conditions on average
            xb = peer["production"]
            rel = np.abs(r.production - xb) / np.abs(xb)
            day, ind = np.unravel_index(int(np.argmax(rel)), rel.shape)
            res |= {
                "boario": float(np.median(peer["init_seconds"] + peer["loop_seconds"])),
                "boario_loop": float(np.median(peer["loop_seconds"])),
                "rel": float(rel.max()),
                "where": (int(day), REGIONS[ind // n], t.codes[ind % n]),
                "same_shock": bool(np.array_equal(peer["capacity_loss"], loss)),
                "alpha": float(np.abs(r.overproduction - peer["overproduction"]).max()),
                "loss_boario": (r.baseline_production[None, :] - xb).sum(axis=0),
                "versions": (str(peer["boario"]), str(peer["pymrio"])),
            }
        out[split] = res
    return out


# -- report ------------------------------------------------------------------------------------------------------------


def ms(s: float) -> str:
    return f"{s * 1e3:,.2f} ms" if s < 1 else f"{s:,.2f} s"


def report(io: dict[str, Any] | None, ario: dict[str, Any] | None, args: argparse.Namespace) -> None:
    line = "{:76}{:>12}{:>14}{:>9}"
    print()
    print(line.format("", "Kaifang", "peer", "ratio"))
    if io is not None:
        print(f"(a) 2020 table, {io['n']} sectors: A, L, output and value-added multipliers, median of {io['repeats']}")
        print(line.format("    pymrio IOSystem.calc_all() (goal ratio ≥ 1)", ms(io["ours"]), ms(io["peer"]),
                          f"{io['peer'] / io['ours']:.1f}×"))  # fmt: skip
        print(line.format("    pymrio calc_A, calc_L, calc_S, calc_M on numpy arrays", ms(io["ours"]),
                          ms(io["peer_numpy"]), f"{io['peer_numpy'] / io['ours']:.1f}×"))  # fmt: skip
        print(line.format(f"    max |ΔL| (max l_ij = {io['L_max']:.2f})", f"{io['dL']:.1e}", "", ""))
        print(line.format("    max |Δ output multipliers|, |Δ value-added multipliers|", f"{io['d_out']:.1e}",
                          f"{io['d_va']:.1e}", ""))  # fmt: skip
    if ario is not None:
        n, days = ario["n"], ario["days"]
        s = SHOCK
        last = int(s["start"]) + int(s["duration"]) - 1
        print(f"(b) ARIO, {days} days, {n} sectors × 2 regions; {s['loss']:.0%} of {s['region']} {s['sector']}'s "
              f"capacity lost days {s['start']}–{last}, median of {args.repeats}")  # fmt: skip
        for split, order_type in (("baseline", "noalt"), ("capacity", "alt")):
            r = ario[split]
            label = f'    orders split "{split}" vs BoARIO order_type "{order_type}"'
            if "boario" not in r:
                print(line.format(label + ": wall time", ms(r["ours"]), "skipped", ""))
                continue
            print(line.format(label, "", "", ""))
            print(line.format("      wall time: run_ario vs model + simulation (goal ≥ 2×)", ms(r["ours"]),
                              ms(r["boario"]), f"{r['boario'] / r['ours']:.1f}×"))  # fmt: skip
            print(line.format("      the simulation loop alone", "", ms(r["boario_loop"]),
                              f"{r['boario_loop'] / r['ours']:.1f}×"))  # fmt: skip
            day, reg, sec = r["where"]
            print(line.format(f"      max relative difference of production (goal ≤ 1 %; day {day}, {reg} {sec})",
                              f"{r['rel']:.1e}", "", ""))  # fmt: skip
            lo, lb = r["loss_ours"], r["loss_boario"]
            for i, reg in enumerate(REGIONS):
                a, b = lo[i * n : (i + 1) * n].sum(), lb[i * n : (i + 1) * n].sum()
                print(line.format(f"      production loss over the horizon, {reg} (万元)", f"{a:,.0f}", f"{b:,.0f}",
                                  f"{a / b:.4f}"))  # fmt: skip
            print(line.format("      max |Δα| (overproduction)", f"{r['alpha']:.1e}", "", ""))
            same = "identical" if r["same_shock"] else "DIFFERENT"
            print(line.format("      capacity loss Δ(t) BoARIO applied vs Kaifang's path", same, "", ""))
    versions = ario.get("capacity", {}).get("versions") if ario else None
    peers = f"BoARIO {versions[0]}, pymrio {versions[1]}" if versions else f"pymrio {io['pymrio']}" if io else ""
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}, one BLAS thread; peers: {peers}.")


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--days", type=int, default=365, help="ARIO horizon in days (b)")
    ap.add_argument("--repeats", type=int, default=5, help="timed repeats of each side; the median is shown")
    ap.add_argument("--skip-boario", action="store_true", help="time only Kaifang's side of (b)")
    args = ap.parse_args()
    if os.environ.get(BLAS_THREADS[0]) != "1":
        # one BLAS thread on both sides (the peer subprocess inherits it): on 2 shared cores a threaded OpenBLAS
        # stalls on these small matrices (a 153-sector solve took 0.8 ms or 80 ms from one run to the next)
        os.environ.update(dict.fromkeys(BLAS_THREADS, "1"))
        os.execv(sys.executable, [sys.executable, __file__, *sys.argv[1:]])
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="bench_stress") as tmp:
        try:
            io = part_io(args, Path(tmp))
            ario = part_ario(args, Path(tmp))
        except subprocess.CalledProcessError as err:
            print(f"跳过: 对比环境不可用 (skipped: the peers' environment failed: {err})")
            return
    report(io, ario, args)


if __name__ == "__main__":
    main()
