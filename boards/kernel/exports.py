"""Spreadsheets the platform writes. A cell whose text begins with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return is read by Excel and WPS as a formula (``=HYPERLINK(...)`` in an
enterprise name becomes a live link, ``=cmd|...`` worse): every exported text cell that begins
so is prefixed with ``'`` (OWASP, CSV/formula injection), here and nowhere else."""

from import_export.formats.base_formats import XLSX

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """``value`` as text a spreadsheet will not evaluate (non-text values unchanged)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralise_rows(rows):
    return [[neutralise(value) for value in row] for row in rows]


def neutralise_dataset(dataset):
    """A copy of a tablib Dataset with every cell and header neutralised."""
    import tablib

    safe = tablib.Dataset(headers=[neutralise(h) for h in dataset.headers or []] or None,
                          title=dataset.title)
    for row in dataset:
        safe.append([neutralise(value) for value in row])
    return safe


class SafeXLSX(XLSX):
    """django-import-export's XLSX export with every cell neutralised."""

    def export_data(self, dataset, **kwargs):
        return super().export_data(neutralise_dataset(dataset), **kwargs)
