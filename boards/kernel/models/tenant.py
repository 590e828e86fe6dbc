"""The tenant: a ``Board`` (special board or local programme) and ``TenantModel``, the base of
every tenant-owned model (its default manager is scoped: a query outside ``board_scope`` raises)."""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from boards.kernel.config import validate_board_config

if TYPE_CHECKING:
    from django.contrib.auth.models import User


class BoardKind(models.TextChoices):
    BOARD = "board", _("专板")
    PROGRAMME = "programme", _("地方项目")


class Board(models.Model):
    """A tenant: one special board or local programme. Its differences live in ``config``."""

    slug = models.SlugField(_("标识"), max_length=40, unique=True)
    name_zh = models.CharField(_("中文名称"), max_length=120)
    name_en = models.CharField(_("英文名称"), max_length=160)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=BoardKind.choices)
    operator = models.CharField(_("运营机构"), max_length=200)
    region = models.CharField(_("地区"), max_length=60)
    filing_prefix = models.CharField(
        _("报备编号前缀"), max_length=20, help_text=_("例如 NMG-KCB，报备编号为 NMG-KCB-2026-0001")
    )
    regulators = models.JSONField(
        _("报备监管机构"), default=list, blank=True,
        help_text=_('[{"code": "kjt", "name": "科技厅"}, ...]'),
    )
    config = models.JSONField(_("配置"), default=dict, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("专板/项目")
        verbose_name_plural = _("专板/项目")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name_zh

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.config = validate_board_config(self.config)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        self.config = validate_board_config(self.config)

    def setting(self, dotted: str, default: Any = None) -> Any:
        """Read a configuration value by dotted path, e.g. ``deadlines.funder_answer_workdays``."""
        node = self.config
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    def regulator_name(self, code: str) -> str:
        for regulator in self.regulators:
            if regulator.get("code") == code:
                return regulator.get("name", code)
        return code


if TYPE_CHECKING:
    _ScopedManager = models.Manager
else:  # django_scopes builds its manager class at run time: subclassed here, it has a name
    _ScopedManager = type(ScopedManager(board="board"))


class TenantManager(_ScopedManager):
    """The default manager of tenant models: a query outside ``board_scope`` raises."""


class TenantModel(models.Model):
    """Base of every tenant-owned model."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, verbose_name=_("专板/项目"))

    objects = TenantManager()

    class Meta:
        abstract = True


def user_reference(label: Any, **kwargs: Any) -> "models.ForeignKey[User | None, User | None]":
    """An optional account on a tenant row (who acted, who takes part): protected, no reverse accessor."""
    return models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name=label, **kwargs)
