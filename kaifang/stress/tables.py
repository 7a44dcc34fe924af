"""A single-region input-output table (:class:`IOTable`) with its identities checked and its results labelled.

The arrays are numpy (fast on a 153-sector table); results come out as pandas objects indexed by sector code.
Readers for China's official tables are in :mod:`kaifang.stress.nbs`; :meth:`IOTable.from_arrays` builds one from
any arrays (a regionalised table, a region block of a pymrio system).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd

from kaifang.stress import iomath
from kaifang.stress.iomath import Array

VA_CODES = ("VA001", "VA002", "VA003", "VA004")
FINAL_USE_NAMES = {  # NBS final-use column codes
    "FU101": "农村居民消费支出",
    "FU102": "城镇居民消费支出",
    "FU103": "政府消费支出",
    "TC": "最终消费支出",
    "FU201": "固定资本形成总额",
    "FU202": "存货变动",
    "EX": "出口",
}
RTOL = 1e-9


class BalanceError(ValueError):
    """An accounting identity of a table fails; ``problems`` lists (where, what, expected, got)."""

    def __init__(self, source: str, problems: list[tuple[str, str, float, float]]) -> None:
        self.problems = problems
        lines = [
            f"{where}: {what} = {got:.6g} but expected {expected:.6g} "
            f"(difference {got - expected:.3g}, {abs(got - expected) / max(abs(expected), 1e-300):.2g} relative)"
            for where, what, expected, got in problems[:10]
        ]
        more = f"\n… and {len(problems) - 10} more" if len(problems) > 10 else ""
        super().__init__(f"{source}: {len(problems)} unbalanced identities\n" + "\n".join(lines) + more)


def _read_only(a: Array) -> Array:
    a.flags.writeable = False
    return a


def close(got: Array, expected: Array, scale: Array, rtol: float) -> npt.NDArray[np.bool_]:
    """Elementwise |got − expected| ≤ rtol · max(scale, 1): relative to the size of the summed items."""
    return np.abs(got - expected) <= rtol * np.maximum(scale, 1.0)


@dataclass(frozen=True, eq=False)
class IOTable:
    """A single-region input-output table with domestic and imported flows (non-competitive form).

    ``Z`` n×n domestic intermediate flows; ``Z_imports`` n×n imported intermediate inputs (row = imported product);
    ``Y`` n×k domestic final use by category ``fd_codes`` (including exports ``EX``); ``Y_imports`` imported final use;
    ``VA`` m×n value-added rows ``va_codes``; ``x`` total output. Identities (checked by :meth:`check`):
    x = Z i + Y i (rows) and x' = i'Z + i'Z_imports + i'VA (columns). The table owns its arrays and makes them
    read-only, so the cached A, L, B, G cannot go stale.
    """

    codes: tuple[str, ...]
    names_zh: tuple[str, ...]
    names_en: tuple[str, ...]
    Z: Array
    Z_imports: Array
    Y: Array
    Y_imports: Array
    fd_codes: tuple[str, ...]
    VA: Array
    va_codes: tuple[str, ...]
    x: Array
    unit: str = "万元"
    source: str = ""
    layout: str = "non-competitive"
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        for name in ("Z", "Z_imports", "Y", "Y_imports", "VA", "x"):
            getattr(self, name).flags.writeable = False

    @property
    def n(self) -> int:
        return len(self.codes)

    @property
    def index(self) -> pd.Index:
        return pd.Index(self.codes, name="sector")

    def series(self, values: Array, name: str) -> pd.Series:
        """A vector labelled by sector code."""
        return pd.Series(values, index=self.index, name=name)

    def sectors(self) -> pd.DataFrame:
        return pd.DataFrame({"name_zh": self.names_zh, "name_en": self.names_en, "output": self.x}, index=self.index)

    # -- vectors ------------------------------------------------------------------------------------------------
    @property
    def y(self) -> Array:
        """Total final demand for domestic output, exports included (y = x − Z i)."""
        return self.Y.sum(axis=1)

    def final_use(self, code: str) -> Array:
        return self.Y[:, self.fd_codes.index(code)]

    @property
    def value_added(self) -> Array:
        return self.VA.sum(axis=0)

    @property
    def imported_inputs(self) -> Array:
        """Imported intermediate inputs bought by each sector (column sums of ``Z_imports``)."""
        return self.Z_imports.sum(axis=0)

    # -- coefficients and inverses (cached: a 153-sector L is computed once per table) ---------------------------
    @cached_property
    def A(self) -> Array:
        """Domestic technical coefficients A = Z x̂⁻¹."""
        return _read_only(iomath.calc_A(self.Z, self.x))

    @cached_property
    def L(self) -> Array:
        """Domestic Leontief inverse (I − A)⁻¹."""
        return _read_only(iomath.calc_L(self.A))

    @cached_property
    def A_imports(self) -> Array:
        """Imported-input coefficients by product, Z_imports x̂⁻¹ (i'A + i'A_imports + v' = i')."""
        return _read_only(iomath.calc_A(self.Z_imports, self.x))

    @cached_property
    def B(self) -> Array:
        return _read_only(iomath.calc_B(self.Z, self.x))

    @cached_property
    def G(self) -> Array:
        return _read_only(iomath.calc_G(self.B))

    @property
    def v(self) -> Array:
        """Value-added coefficients v_j = VA_j / x_j (i'A + i'A_imports + v' = i')."""
        return iomath.calc_coefficients(self.value_added, self.x)

    @property
    def import_coefficients(self) -> Array:
        """Imported-input coefficients m_j = Σ_i z^M_ij / x_j."""
        return iomath.calc_coefficients(self.imported_inputs, self.x)

    # -- labelled results ---------------------------------------------------------------------------------------
    def output_multipliers(self) -> pd.Series:
        return self.series(iomath.calc_output_multipliers(self.L), "output_multiplier")

    def value_added_multipliers(self) -> pd.Series:
        return self.series(iomath.calc_value_added_multipliers(self.L, self.v), "value_added_multiplier")

    def employment_multipliers(self, jobs: Array | pd.Series) -> pd.Series:
        """Jobs per unit of final demand, from jobs by sector (same order as ``codes``, or a Series by code)."""
        e = iomath.calc_coefficients(self._align(jobs), self.x)
        return self.series(iomath.calc_employment_multipliers(self.L, e), "employment_multiplier")

    def linkages(self) -> pd.DataFrame:
        """Normalised backward (L) and forward (G) linkages; key sectors have both above 1 (M&B §12.2)."""
        bl = iomath.calc_backward_linkages(self.L)
        fl = iomath.calc_forward_linkages(self.G)
        data = {"name_zh": self.names_zh, "backward": bl, "forward": fl, "key": (bl > 1) & (fl > 1)}
        return pd.DataFrame(data, index=self.index)

    def extraction_linkages(self, kind: iomath.ExtractionKind = "complete") -> pd.Series:
        """Output lost by the economy when each sector is extracted in turn, as a share of total output."""
        return self.series(iomath.calc_extraction_linkages(self.Z, self.x, kind, relative=True), f"extraction_{kind}")

    def demand_shock(self, dy: Array | pd.Series) -> pd.DataFrame:
        """Δx = L Δy with the value added and imported inputs it carries, by sector."""
        dx = iomath.calc_demand_shock(self.L, self._align(dy))
        return pd.DataFrame(
            {"output": dx, "value_added": self.v * dx, "imported_inputs": self.import_coefficients * dx},
            index=self.index,
        )

    def _align(self, values: Array | pd.Series) -> Array:
        if isinstance(values, pd.Series):
            missing = sorted(set(self.codes) - set(values.index))
            if missing:
                raise ValueError(f"no value for sectors {missing}")
            return values.reindex(list(self.codes)).to_numpy(dtype=float)
        arr = np.asarray(values, dtype=float).reshape(-1)
        if arr.size != self.n:
            raise ValueError(f"expected {self.n} values (one per sector), got {arr.size}")
        return arr

    # -- identities ---------------------------------------------------------------------------------------------
    def check(self, rtol: float = RTOL) -> IOTable:
        """Raise :class:`BalanceError` unless rows and columns balance to ``rtol`` (relative); return self."""
        problems: list[tuple[str, str, float, float]] = []
        row = self.Z.sum(axis=1) + self.Y.sum(axis=1)
        col = self.Z.sum(axis=0) + self.Z_imports.sum(axis=0) + self.VA.sum(axis=0)
        row_scale = np.abs(self.Z).sum(axis=1) + np.abs(self.Y).sum(axis=1)
        col_scale = np.abs(self.Z).sum(axis=0) + np.abs(self.Z_imports).sum(axis=0) + np.abs(self.VA).sum(axis=0)
        for i in np.flatnonzero(~close(row, self.x, row_scale, rtol)):
            problems.append((f"row {self.codes[i]} {self.names_zh[i]}", "intermediate + final use", self.x[i], row[i]))
        for j in np.flatnonzero(~close(col, self.x, col_scale, rtol)):
            problems.append((f"column {self.codes[j]} {self.names_zh[j]}", "inputs + value added", self.x[j], col[j]))
        if problems:
            raise BalanceError(self.source or "IOTable", problems)
        return self

    @classmethod
    def from_arrays(
        cls,
        Z: Array,
        Y: Array,
        VA: Array,
        codes: list[str] | tuple[str, ...],
        *,
        Z_imports: Array | None = None,
        Y_imports: Array | None = None,
        fd_codes: tuple[str, ...] | None = None,
        va_codes: tuple[str, ...] | None = None,
        names_zh: tuple[str, ...] | None = None,
        names_en: tuple[str, ...] | None = None,
        source: str = "",
        unit: str = "万元",
        check: bool = True,
    ) -> IOTable:
        """Build a table from arrays (a regional table, a pymrio region block ``io.Z.loc[r, r]`` …); x = Z i + Y i."""
        z = np.array(Z, dtype=float)  # copies: the table makes its arrays read-only
        y2 = np.array(Y, dtype=float).reshape(z.shape[0], -1)
        va = np.array(VA, dtype=float).reshape(-1, z.shape[0])
        n, k = z.shape[0], y2.shape[1]
        table = cls(
            codes=tuple(codes),
            names_zh=names_zh or tuple(codes),
            names_en=names_en or tuple(codes),
            Z=z,
            Z_imports=np.zeros((n, n)) if Z_imports is None else np.array(Z_imports, dtype=float),
            Y=y2,
            Y_imports=np.zeros((n, k)) if Y_imports is None else np.array(Y_imports, dtype=float).reshape(n, k),
            fd_codes=fd_codes or tuple(f"FD{i + 1}" for i in range(k)),
            VA=va,
            va_codes=va_codes or tuple(f"VA{i + 1:03d}" for i in range(va.shape[0])),
            x=z.sum(axis=1) + y2.sum(axis=1),
            unit=unit,
            source=source,
        )
        return table.check() if check else table
