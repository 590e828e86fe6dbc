"""Excel in and out (django-import-export): the enterprise registry's resources and ``import_xlsx``.

Invariants:
- columns are the models' Chinese verbose names; rows always belong to the importing board,
  never to a board named in the file; an empty cell leaves the value as it is (the model's
  default for a new row), so a required field left empty is an error;
- an import is all-or-nothing: any row error rolls everything back, and every error is
  reported with its spreadsheet row (the header is row 1), column and a Chinese message;
- a dry run validates exactly like a commit (the same code runs, then rolls back).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import IO, Any

import tablib
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models, transaction
from django.utils import timezone
from import_export import resources, widgets
from import_export.fields import Field
from import_export.results import Result, RowResult
from openpyxl import load_workbook

from boards.enterprises.actions import EnterpriseAction
from boards.enterprises.models import (
    Enterprise,
    FinancialYear,
    FinancingEvent,
    Qualification,
    RetierProposal,
    RetierRun,
    ServiceRecord,
    TierChange,
)
from boards.enterprises.tiers import tier_names
from boards.kernel import evidence
from boards.kernel.errors import DomainError
from boards.kernel.models import Board

TIER_FIELDS = {"tier", "current_tier", "proposed_tier", "final_tier", "from_tier", "to_tier"}


# --- Widgets: Chinese messages, spreadsheet-friendly values -------------------------------------


def _blank(value: object) -> bool:
    return value is None or str(value).strip() == ""


class TextWidget(widgets.Widget):
    def clean(self, value: object, row: object = None, **kwargs: Any) -> str | None:
        if _blank(value):
            return None
        if isinstance(value, float) and value.is_integer():
            return str(int(value))  # a digit string (phone number) the spreadsheet stored as a number
        return str(value).strip()


class CreditCodeWidget(TextWidget):
    def clean(self, value: object, row: object = None, **kwargs: Any) -> str | None:
        code = super().clean(value)
        return code.upper() if code else None


class _NumberWidget(widgets.Widget):
    """A number cell; exported as a number."""

    hint = ""

    def __init__(self) -> None:
        super().__init__(coerce_to_string=False)

    def _number(self, value: object) -> Decimal | None:
        if _blank(value):
            return None
        try:
            number = Decimal(str(value).strip().replace(",", "").replace("，", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():
            raise ValueError(f"“{value}”不是数字，请填写阿拉伯数字{self.hint}")
        return number

    def render(self, value: Decimal | int | None, obj: models.Model | None = None,
               **kwargs: Any) -> Decimal | int | None:
        return value


class DecimalWidget(_NumberWidget):
    """A Decimal (money in yuan)."""

    hint = "（金额以元为单位）"

    def clean(self, value: object, row: object = None, **kwargs: Any) -> Decimal | None:
        return self._number(value)


class IntWidget(_NumberWidget):
    def clean(self, value: object, row: object = None, **kwargs: Any) -> int | None:
        number = self._number(value)
        if number is not None and number != number.to_integral_value():
            raise ValueError(f"“{value}”不是整数")
        return None if number is None else int(number)


class DayWidget(widgets.Widget):
    FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")

    def clean(self, value: object, row: object = None, **kwargs: Any) -> datetime.date | None:
        if _blank(value):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        for fmt in self.FORMATS:
            try:
                return datetime.datetime.strptime(str(value).strip(), fmt).date()
            except ValueError:
                continue
        raise ValueError(f"“{value}”不是有效日期，请填写如 2024-03-01")

    def render(self, value: datetime.date | None, obj: models.Model | None = None, **kwargs: Any) -> str:
        return value.isoformat() if value else ""


class MomentWidget(widgets.Widget):
    """Export only: an aware datetime in Beijing time."""

    def render(self, value: datetime.datetime | None, obj: models.Model | None = None, **kwargs: Any) -> str:
        return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


class YesNoWidget(widgets.Widget):
    YES, NO = {"是", "Y", "YES", "TRUE", "1"}, {"否", "N", "NO", "FALSE", "0"}

    def clean(self, value: object, row: object = None, **kwargs: Any) -> bool | None:
        if _blank(value):
            return None
        text = str(value).strip().upper()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(f"“{value}”无法识别，请填写“是”或“否”")

    def render(self, value: bool | None, obj: models.Model | None = None, **kwargs: Any) -> str:
        return "是" if value else "否"


class ChoiceWidget(widgets.Widget):
    """A choice by its Chinese label or its code; exported as the label."""

    def __init__(self, choices: Iterable[tuple[object, object]]) -> None:
        super().__init__()
        self.labels = {str(code): str(label) for code, label in choices}

    def clean(self, value: object, row: object = None, **kwargs: Any) -> str | None:
        if _blank(value):
            return None
        text = str(value).strip()
        by_label = {label: code for code, label in self.labels.items()}
        if text in self.labels or text in by_label:
            return by_label.get(text, text)
        raise ValueError(f"“{text}”不是可选值，可选：{'、'.join(self.labels.values())}")

    def render(self, value: str | None, obj: models.Model | None = None, **kwargs: Any) -> str:
        return "" if value is None else self.labels.get(value, value)


class TierWidget(widgets.Widget):
    """Export only: a tier code as the board's tier name."""

    def __init__(self, board: Board) -> None:
        super().__init__()
        self.names = tier_names(board)

    def render(self, value: str | None, obj: models.Model | None = None, **kwargs: Any) -> str:
        return "" if value is None else self.names.get(value, value)


class EnterpriseWidget(widgets.Widget):
    """An enterprise of the board by its 统一社会信用代码."""

    def __init__(self, board: Board) -> None:
        super().__init__()
        self.board = board

    def clean(self, value: object, row: object = None, **kwargs: Any) -> Enterprise:
        code = CreditCodeWidget().clean(value)
        if not code:
            raise ValueError("请填写企业的统一社会信用代码")
        enterprise = Enterprise.objects.filter(board=self.board, credit_code=code).first()
        if enterprise is None:
            raise ValueError(f"本专板没有统一社会信用代码为 {code} 的企业，请先导入该企业")
        return enterprise

    def render(self, value: Enterprise | None, obj: models.Model | None = None, **kwargs: Any) -> str:
        return value.credit_code if value else ""


class LabelWidget(widgets.Widget):
    """Export only: ``str()`` of the value (a related object, a list)."""


def _widget(field: models.Field[Any, Any], board: Board) -> widgets.Widget:
    if field.name == "enterprise":
        return EnterpriseWidget(board)
    if field.name in TIER_FIELDS:
        return TierWidget(board)
    if field.choices:
        return ChoiceWidget(field.choices)
    if isinstance(field, models.DecimalField):
        return DecimalWidget()
    if isinstance(field, models.DateTimeField):
        return MomentWidget()
    if isinstance(field, models.DateField):
        return DayWidget()
    if isinstance(field, models.BooleanField):
        return YesNoWidget()
    if isinstance(field, models.IntegerField) and not field.is_relation:
        return IntWidget()
    if field.name == "credit_code":
        return CreditCodeWidget()
    if field.is_relation or isinstance(field, models.JSONField):
        return LabelWidget()
    return TextWidget()


# --- Resources ----------------------------------------------------------------------------------


class BoardResource(resources.ModelResource):
    """Rows of one board. Subclasses list their columns in ``Meta.fields``; ``readonly`` columns
    are exported, never imported; a file without a ``required`` column is refused whole."""

    readonly: tuple[str, ...] = ()
    required: tuple[str, ...] = ()

    def __init__(self, board: Board) -> None:
        super().__init__()
        self.board = board
        for name in self._meta.fields:
            field = self._meta.model._meta.get_field(name)
            # A row names its enterprise by 统一社会信用代码; the name is shown beside it on export.
            column = "统一社会信用代码" if name == "enterprise" else str(field.verbose_name)
            self.fields[name] = Field(attribute=name, column_name=column, widget=_widget(field, board),
                                      readonly=name in self.readonly, saves_null_values=False)
        if "enterprise" in self._meta.fields:
            self.fields["enterprise_name"] = Field(attribute="enterprise__name", column_name="企业名称",
                                                   readonly=True)

    def get_queryset(self) -> models.QuerySet[Any]:
        return self._meta.model.objects.filter(board=self.board)

    def init_instance(self, row: object = None) -> models.Model:
        return self._meta.model(board=self.board)

    def get_instance(self, instance_loader: object, row: object) -> models.Model | None:
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None  # a bad key cell: import_instance reports it against its column

    def after_import(self, dataset: tablib.Dataset, result: Result, **kwargs: Any) -> None:
        """Deliberately no sequence reset (the parent's): ids come from the sequence, and under
        row-level security ``max(id)`` would only see this board's rows."""

    def required_columns(self) -> list[str]:
        return [self.fields[name].column_name for name in self.required]

    class Meta:
        clean_model_instances = True
        skip_diff = True


class EnterpriseResource(BoardResource):
    readonly = ("status", "tier")
    required = ("credit_code", "name")

    class Meta:
        model = Enterprise
        fields = ("credit_code", "name", "prefecture", "industry", "founded_on", "registered_capital",
                  "legal_representative", "contact_name", "contact_phone", "contact_email", "main_business",
                  "going_concern", "listing_plan", "status", "tier")
        import_id_fields = ("credit_code",)


class QualificationResource(BoardResource):
    required = ("enterprise", "kind")

    class Meta:
        model = Qualification
        fields = ("enterprise", "kind", "issuer", "issued_on", "valid_until", "financing_round", "source")
        import_id_fields = ("enterprise", "kind", "issued_on")


class FinancialYearResource(BoardResource):
    required = ("enterprise", "year", "revenue", "net_profit")

    class Meta:
        model = FinancialYear
        fields = ("enterprise", "year", "revenue", "net_profit", "rd_expense", "total_assets")
        import_id_fields = ("enterprise", "year")


def export_resource(model: type[models.Model], columns: Iterable[str]) -> type[BoardResource]:
    """An export-only resource of ``model`` with ``columns`` (for the admin's XLSX exports)."""
    meta = type("Meta", (), {"model": model, "fields": tuple(columns)})
    return type(f"{model.__name__}Resource", (BoardResource,), {"Meta": meta, "readonly": tuple(columns)})


IMPORT_RESOURCES = {"enterprises": EnterpriseResource, "qualifications": QualificationResource,
                    "financials": FinancialYearResource}
IMPORT_KINDS = {"enterprises": "企业", "qualifications": "企业资质", "financials": "年度财务数据"}

FinancingEventResource = export_resource(
    FinancingEvent, ("enterprise", "kind", "financing_round", "amount", "investor_name", "occurred_on"))
ServiceRecordResource = export_resource(
    ServiceRecord, ("enterprise", "kind", "occurred_on", "staff", "institution", "summary"))
TierChangeResource = export_resource(
    TierChange, ("enterprise", "kind", "from_tier", "to_tier", "reason", "actor", "changed_at"))
RetierRunResource = export_resource(RetierRun, ("year", "created_at", "confirmed_at"))
RetierProposalResource = export_resource(
    RetierProposal, ("run", "enterprise", "current_tier", "proposed_tier", "final_tier", "decision_reason",
                     "decided_by", "decided_at"))


# --- The import service -------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int  # spreadsheet row; the header is row 1
    column: str  # '' when the error concerns the whole row
    message: str


@dataclass(frozen=True)
class ImportReport:
    kind: str
    rows: int
    new: int
    updated: int
    errors: list[RowError]
    saved: bool


SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
DIMENSION_OR_DATA = re.compile(rb"<(?:\w+:)?(dimension|sheetData)\b")


def _sheets_declare_their_size(content: bytes) -> bool:
    """Whether every worksheet states its size before its rows. openpyxl's read-only mode looks for
    that statement first and, when it is missing, parses the whole sheet before the first row is
    read (a 140 KiB file of a million rows: 30 s). Excel, WPS, LibreOffice and openpyxl write it."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in filter(SHEET_PART.match, archive.namelist()):
            with archive.open(name) as part:
                head = part.read(256 * 1024)
            found = DIMENSION_OR_DATA.search(head)
            if found is None or found.group(1) != b"dimension":
                return False
    return True


PROGRESS_EVERY = 200  # rows between two progress reports


def _read(file: IO[bytes], max_rows: int | None = None,
          progress: Callable[[int], object] | None = None) -> tuple[tablib.Dataset, list[int], bytes]:
    """The sheet as a Dataset without blank rows, and each data row's spreadsheet row number.
    Streamed (openpyxl read-only mode, one row at a time), and refused past ``max_rows`` rows
    read, blank ones included: a small file can hold a million rows."""
    max_rows = settings.IMPORT_MAX_ROWS if max_rows is None else max_rows
    content = file.read()
    try:
        if not _sheets_declare_their_size(content):
            raise DomainError("工作表缺少尺寸信息，无法分批读取。请用 Excel 或 WPS 打开后另存为 .xlsx"
                              " 再导入。", code="bad_file")
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        rows = workbook.active.iter_rows(values_only=True)
        headers = [str(h).strip() if h is not None else "" for h in next(rows, None) or ()]
        data, numbers = tablib.Dataset(headers=headers), []
        for index, values in enumerate(rows, start=2):
            if index - 1 > max_rows:
                raise DomainError(f"文件超过 {max_rows} 行的导入上限，请拆分为多个文件后分批导入。",
                                  code="too_many_rows", details={"max_rows": max_rows})
            if progress is not None and index % PROGRESS_EVERY == 0:
                progress(index - 1)
            if any(v is not None and str(v).strip() for v in values):
                values = tuple(values[:len(headers)]) + (None,) * (len(headers) - len(values))
                data.append(values)
                numbers.append(index)
        workbook.close()
    except DomainError:
        raise
    except Exception:  # openpyxl raises many types for a file that is not a workbook
        raise DomainError("无法读取该文件，请上传 Excel 工作簿（.xlsx）。", code="bad_file") from None
    return data, numbers, content


def _errors(resource: BoardResource, result: Result, numbers: list[int]) -> list[RowError]:
    columns = {field.attribute: field.column_name for field in resource.get_import_fields()}
    errors = [RowError(1, "", str(error.error)) for error in result.base_errors]
    for invalid in result.invalid_rows:
        for field, messages in invalid.error_dict.items():
            column = "" if field == NON_FIELD_ERRORS else columns.get(field, field)
            errors += [RowError(numbers[invalid.number - 1], column, message) for message in messages]
    for number, row_errors in result.row_errors():
        errors += [RowError(numbers[number - 1], "", str(error.error)) for error in row_errors]
    return sorted(errors, key=lambda e: (e.row, e.column))


def import_xlsx(board: Board, kind: str, file: IO[bytes], actor: User | None, dry_run: bool = True,
                progress: Callable[[int], object] | None = None) -> ImportReport:
    """Import ``kind`` (enterprises, qualifications, financials) from an XLSX ``file`` into ``board``.

    Runs in ``board``'s scope. A dry run saves nothing; a commit saves every row or, if any row
    has an error, nothing. Returns an ImportReport listing every error."""
    if kind not in IMPORT_RESOURCES:
        raise DomainError(f"不支持导入“{kind}”，可导入：{'、'.join(IMPORT_KINDS.values())}",
                          details={"allowed": list(IMPORT_KINDS)})
    resource = IMPORT_RESOURCES[kind](board)
    dataset, numbers, content = _read(file, progress=progress)
    missing = [c for c in resource.required_columns() if c not in dataset.headers]
    if missing:
        return ImportReport(kind, len(dataset), 0, 0, [RowError(1, c, "缺少此列") for c in missing], False)
    with transaction.atomic():
        result = resource.import_data(dataset, dry_run=dry_run, use_transactions=True,
                                      rollback_on_validation_errors=True)
        errors = _errors(resource, result, numbers)
        saved = not dry_run and not errors
        new, updated = result.totals[RowResult.IMPORT_TYPE_NEW], result.totals[RowResult.IMPORT_TYPE_UPDATE]
        if saved:
            evidence.record(board, EnterpriseAction.IMPORT_COMMITTED, actor=actor, payload={
                "kind": kind, "file": getattr(file, "name", ""), "rows": len(dataset), "new": new,
                "updated": updated, "sha256": hashlib.sha256(content).hexdigest()})
    return ImportReport(kind, len(dataset), new, updated, errors, saved)
