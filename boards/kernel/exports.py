"""Spreadsheets the platform writes. A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is read by Excel and WPS as a formula (``=HYPERLINK(...)`` in an
enterprise name becomes a live link, ``=cmd|...`` worse): every exported text cell that begins
so is prefixed with ``'`` (OWASP, CSV/formula injection), here and nowhere else."""

from collections.abc import Iterable
from typing import Any, TypeVar

from import_export.formats.base_formats import XLSX

T = TypeVar("T")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: T) -> T | str:
    """``value`` as text a spreadsheet will not evaluate (non-text values unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_rows(rows: Iterable[Iterable[T]]) -> list[list[T | str]]:
    return [[neutralise(value) for value in row] for row in rows]


def neutralise_dataset(dataset: Any) -> Any:  # a tablib Dataset (tablib is untyped)
    """A copy of a tablib Dataset with every cell and header neutralised."""
    import tablib

    safe = tablib.Dataset(headers=[neutralise(h) for h in dataset.headers or []] or None,
                          title=dataset.title)
    for row in dataset:
        safe.append([neutralise(value) for value in row])
    return safe


class SafeXLSX(XLSX):
    """django-import-export's XLSX export with every cell neutralised."""

    def export_data(self, dataset: Any, **kwargs: Any) -> Any:
        return super().export_data(neutralise_dataset(dataset), **kwargs)
