"""Background jobs of the index: a build on the current vintages, and an uncertainty analysis."""

from __future__ import annotations

from typing import Any

from kaifang.indexing.builds import run_build
from kaifang.indexing.models import IndexDefinition
from kaifang.jobs.models import Job
from kaifang.jobs.runner import Progress, register


@register("indexing.build")
def build_job(job: Job, progress: Progress) -> dict[str, Any]:
    definition = IndexDefinition.objects.get(pk=job.params["definition"], workspace=job.workspace)
    built = run_build(definition, job.created_by, progress=progress)
    return {"build": built.pk, "url": f"/w/{job.workspace.code}/index/{definition.code}/"}


#: What the platform's uncertainty analysis varies (COINr's SA_specs in spirit): winsorisation, the
#: normalisation method, the weights (± noise), the aggregation method, and dropping one indicator.
CHOICE_LABELS = {
    "treat.winmax": "缩尾次数",
    "normalise": "标准化方法",
    "weights": "权重扰动",
    "aggregate.f_ag": "汇总方法（算术/几何平均）",
    "exclude": "剔除单个指标",
}


def ua_spec(params: dict[str, Any], steps: set[str]) -> dict[str, Any]:
    """The UA.yaml of a platform analysis (docs/indexing-ua.md) from the page's N, seed, noise and sobol;
    only the steps the build has are varied."""
    n = int(params["N"])
    choices: dict[str, Any] = {}
    if "treat" in steps:
        choices["treat.winmax"] = [1, 2, 3, 4, 5]
    # [1, 100] rather than [0, 100]: a geometric mean needs positive values (ranks are unchanged)
    choices["normalise"] = [{"f_n": "n_minmax", "l_u": [1, 100]}, {"f_n": "n_zscore", "m_sd": [10, 2]}]
    choices["weights.noise"] = float(params["noise"])
    choices["aggregate.f_ag"] = ["a_amean", "a_gmean"]
    choices["exclude"] = "each"
    return {
        "N": n,
        "seed": int(params["seed"]),
        "choices": choices,
        "sobol": {"N": max(64, n // 4), "output": "rank_shift"} if params.get("sobol") else False,
    }


@register("indexing.ua")
def uncertainty_job(job: Job, progress: Progress) -> dict[str, Any]:
    from kaifang.indexing.models import IndexUncertainty

    run = IndexUncertainty.objects.select_related("build__definition").get(
        pk=job.params["analysis"], build__definition__workspace=job.workspace
    )
    run_uncertainty(run, progress)
    return {"analysis": run.pk, "url": f"/w/{job.workspace.code}/index/{run.build.definition.code}/uncertainty/"}


def run_uncertainty(run: Any, progress: Progress) -> None:
    """Run one stored analysis (an IndexUncertainty row) on its build's vintages and store the result."""
    from kaifang.indexing.builds import compute
    from kaifang.indexing.ua import run_sa, run_ua

    build = run.build
    definition = build.definition
    progress(0.02, "重建名义指数 (rebuilding the nominal index)")
    nominal, data, _ = compute(definition, build.as_of)  # the same vintages as the stored build
    spec = ua_spec(run.params, {str(e["step"]) for e in nominal.log})
    sobol = bool(spec["sobol"])
    share = 0.5 if sobol else 0.95
    ua = run_ua(nominal, spec, progress=lambda f, m: progress(0.05 + share * f, f"蒙特卡洛 {m}"))
    year = int(data["Time"].max())
    stats = ua.stats[ua.stats["Time"] == year] if "Time" in ua.stats.columns else ua.stats
    ranks = [
        {"unit": r.uCode, "name": r.uName, "home": r.uCode == definition.home, "nominal": int(r.Nominal),
         "median": float(r.Median), "q05": float(r.Q5), "q95": float(r.Q95), "mean": round(float(r.Mean), 2)}
        for r in stats.itertuples(index=False)
    ]  # fmt: skip
    result: dict[str, Any] = {"year": year, "N": int(spec["N"]), "seed": spec["seed"], "spec": spec, "ranks": ranks,
                              "sobol": None}  # fmt: skip
    if sobol:
        sa = run_sa(nominal, spec, progress=lambda f, m: progress(0.55 + 0.43 * f, f"Sobol {m}"))
        table = sa.sobol[sa.sobol["Time"] == year] if "Time" in sa.sobol.columns else sa.sobol
        result["sobol"] = [
            {"variable": r.Variable, "label": CHOICE_LABELS.get(r.Variable, r.Variable), "S1": round(float(r.S1), 4),
             "S1_conf": round(float(r.S1_conf), 4), "ST": round(float(r.ST), 4), "ST_conf": round(float(r.ST_conf), 4)}
            for r in table.itertuples(index=False)
        ]  # fmt: skip
        result["sobol_runs"] = len(sa.output)
    run.result = result
    run.save(update_fields=["result"])
