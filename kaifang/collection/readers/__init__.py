"""Readers for the Excel and CSV files statistics offices send (报表读取) — pure, no Django.

The pipeline, one module per step: :mod:`~.grid` reads any supported file into raw sheets (cells and
merged ranges; :mod:`~.text` decodes CSV/TSV), :mod:`~.cells` parses each cell as offices write numbers
and missing markers, :mod:`~.layout` finds the table in a sheet (title, 单位行, merged header, stub,
合计/其中 rows via :mod:`~.rows`, footnotes, period; words via :mod:`~.labels`), and :mod:`~.mapping`
applies a saved :mod:`~.template` to yield long observations located cell by cell
(``file.xlsx!Sheet1!R12C4``)::

    from kaifang.collection.readers import grid, mapping
    sheets = grid.read_workbook("外经月报.xlsx")
    rows, problems = mapping.apply(mapping.Template.from_yaml(spec), sheets, names={"实际利用外资": "FDI_ACTUAL"})
"""
