"""Admin. The admin works on one board at a time: the current board, chosen with the board
switcher among the user's staff boards and opened as the scope by the middleware. Every
model with a ``board`` field is registered with a ``BoardScopedAdmin`` subclass."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.db.models import ProtectedError, QuerySet, RestrictedError
from django.forms.formsets import BaseFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from boards.kernel import apikeys, invitations
from boards.kernel.access import boards_for, has_role, staff_boards
from boards.kernel.admin.desk import LargeTableAutocompleteMixin, OverdueDeadlineFilter, TechnicalAdminMixin
from boards.kernel.admin.labels import code_column, code_filter
from boards.kernel.calendar import PACKAGE_YEARS
from boards.kernel.config import module_enabled, validate_board_config
from boards.kernel.middleware import ADMIN_BOARD_SESSION_KEY
from boards.kernel.models import (
    ApiKey,
    Board,
    BoardInvitation,
    BoardMembership,
    CalendarYear,
    Deadline,
    DeadlineState,
    HolidayOverride,
    IdempotencyKey,
    Institution,
    Notification,
    Role,
)
from boards.kernel.participation import EVERY_BOARD, board_limited_form, is_platform_admin, limit_to_board
from boards.kernel.requests import account_of, board_of

if TYPE_CHECKING:  # the mixins here are only ever mixed into a ModelAdmin
    from django.contrib.admin.options import InlineModelAdmin

    _ModelAdmin = admin.ModelAdmin
else:
    _ModelAdmin = object

admin.site.site_header = "专板服务平台管理后台"
admin.site.site_title = "专板服务平台"
admin.site.index_title = "管理首页"


def on_board(request: HttpRequest) -> bool:
    # The middleware sets request.board only to one of the user's staff boards.
    return getattr(request, "board", None) is not None


def _is_platform_admin(request: HttpRequest) -> bool:
    if not hasattr(request, "_zb_platform_admin"):  # asked once per model on every admin page
        request._zb_platform_admin = (  # type: ignore[attr-defined]  # this request's answer, kept on it
            request.user.is_superuser or boards_for(request.user, Role.PLATFORM_ADMIN).exists()
        )
    answer: bool = request._zb_platform_admin  # type: ignore[attr-defined]  # set just above
    return answer


class MissingIs404Mixin(_ModelAdmin):
    """Another board's object answers the same 404 as a missing one (Django would redirect
    to the index with a message, which tells the two apart). Covers change, delete, history."""

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("未找到该对象。")
        return obj


class CurrentBoardField(forms.ModelChoiceField):
    """The current board, shown but never chosen. A disabled field rather than an excluded
    one, so the form still validates the model's constraints that include ``board``."""

    def __init__(self, board: Board, **kwargs: Any) -> None:
        super().__init__(Board.objects.filter(pk=board.pk), initial=board.pk, disabled=True,
                         empty_label=None, **kwargs)

    def clean(self, value: Any) -> Any:
        # A disabled field cleans its form initial, which is empty for a new object.
        return super().clean(self.initial if value in self.empty_values else value)


class BoardScopedAdmin(LargeTableAutocompleteMixin, MissingIs404Mixin, admin.ModelAdmin):
    """Base admin of every model with a ``board`` field (tenant models of every app).

    Invariants: rows of the current board only; no permission at all without a current board
    (staff of the current board may do everything a subclass does not restrict); a new row
    belongs to the current board, which is shown but cannot be changed; user choices list
    the current board's members only, never another tenant's accounts; a model of a module the
    current board has not enabled (``module``, see boards.kernel.modules) does not exist for it.
    """

    module: str | None = None  # None: a kernel model, on every board

    def _open(self, request: HttpRequest) -> bool:
        return on_board(request) and (self.module is None or module_enabled(board_of(request), self.module))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._open(request)

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self._open(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._open(request)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self._open(request)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self._open(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        board = getattr(request, "board", None)
        if board is None:
            # No current board (staff flag without a staff board): nothing, never a scope error.
            return self.model.objects.none()
        return super().get_queryset(request).filter(board=board)

    def get_inline_instances(self, request: HttpRequest, obj: models.Model | None = None
                             ) -> list[InlineModelAdmin[Any, Any]]:
        inlines = super().get_inline_instances(request, obj)
        # read-only rows of an object not yet created: nothing to show, and no formset to carry
        return [inline for inline in inlines if obj is not None or not isinstance(inline, ReadOnlyInline)]

    def formfield_for_dbfield(self, db_field: models.Field[Any, Any], request: HttpRequest,
                              **kwargs: Any) -> forms.Field | None:
        if db_field.name == "board":
            return CurrentBoardField(board_of(request), label=db_field.verbose_name)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_form(self, request: HttpRequest, obj: models.Model | None = None, change: bool = False,
                 **kwargs: Any) -> type[forms.ModelForm[Any]]:
        # Every choice field, declared or generated: only what takes part in the current board.
        return board_limited_form(super().get_form(request, obj, change, **kwargs), board_of(request))

    def get_formsets_with_inlines(self, request: HttpRequest, obj: models.Model | None = None
                                  ) -> Iterator[tuple[type[BaseFormSet[Any]], InlineModelAdmin[Any, Any]]]:
        for formset, inline in super().get_formsets_with_inlines(request, obj):
            formset.form = board_limited_form(formset.form, board_of(request))  # a fresh class per call
            yield formset, inline

    def save_model(self, request: HttpRequest, obj: Any, form: forms.Form, change: bool) -> None:
        if not change:
            obj.board = board_of(request)
        super().save_model(request, obj, form, change)


class ReadOnlyAdminMixin:
    """For rows that change only through services (steps, imports, manage.py): the admin shows
    them and offers no add, change or delete."""

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


class ReadOnlyBoardAdmin(ReadOnlyAdminMixin, BoardScopedAdmin):
    """A board-scoped admin over read-only rows."""


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Rows shown on their parent's change page to the board's staff, changed only through services."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return on_board(request)


@require_POST
def switch_board(request: HttpRequest) -> HttpResponseRedirect:
    """The board switcher: the current board may only become one of the user's staff boards;
    any other id answers the same 404 as a missing board."""
    board_id = request.POST.get("board", "")
    board = staff_boards(request.user).filter(pk=board_id).first() if board_id.isdigit() else None
    if board is None:
        raise Http404("没有这个专板。")
    request.session[ADMIN_BOARD_SESSION_KEY] = board.pk
    messages.success(request, f"当前专板已切换为「{board.name_zh}」。")
    return redirect("admin:index")


class IndentedJSONField(forms.JSONField):
    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)


class BoardAdminForm(forms.ModelForm):
    class Meta:
        model = Board
        fields = ["slug", "name_zh", "name_en", "short_name", "kind", "operator", "region",
                  "filing_prefix", "regulators", "config", "is_active"]
        field_classes = {"config": IndentedJSONField, "regulators": IndentedJSONField}
        widgets = {"config": forms.Textarea(attrs={"rows": 24, "cols": 80})}

    def clean_config(self) -> dict[str, Any]:
        try:
            return validate_board_config(self.cleaned_data["config"])
        except ValidationError as exc:
            # The model names errors by section ("config.deadlines"); show them on the field.
            raise ValidationError(
                [f"{key}: {'；'.join(msgs)}" for key, msgs in exc.message_dict.items()]
            ) from None


@admin.register(Board)
class BoardAdmin(MissingIs404Mixin, admin.ModelAdmin):
    """Staff see their boards; platform admins edit theirs; only superusers add or delete."""

    form = BoardAdminForm
    list_display = ["slug", "name_zh", "kind", "region", "filing_prefix", "is_active"]
    search_fields = ["slug", "name_zh", "short_name", "region"]
    list_filter = ["kind", "is_active"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Board]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=staff_boards(request.user).values("pk"))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or on_board(request)

    def has_view_permission(self, request: HttpRequest, obj: Board | None = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Board | None = None) -> bool:
        if request.user.is_superuser:
            return True
        if obj is None:
            return _is_platform_admin(request)
        return has_role(request.user, obj, Role.PLATFORM_ADMIN)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Board | None = None) -> bool:
        return request.user.is_superuser


class SharedObjectAdmin(MissingIs404Mixin, admin.ModelAdmin):
    """Objects shared by every board (institutions, accounts): platform administrators change
    them; a board's staff see read-only those that take part in the current board, and any
    other answers the same 404 as a missing one."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        queryset = super().get_queryset(request)
        if is_platform_admin(request.user):
            return queryset
        return limit_to_board(queryset, getattr(request, "board", None))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request.user) or on_board(request)

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return is_platform_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return is_platform_admin(request.user)

    def get_deleted_objects(self, objs: Sequence[models.Model] | QuerySet[Any], request: HttpRequest
                            ) -> tuple[list[Any], dict[Any, Any], set[Any], list[Any]]:
        """Nothing shared is deleted while anything of any board refers to it: the page names
        the blocking references by kind and count only, never another board's objects."""
        protected = shared_references(objs)
        if protected:
            return [str(obj) for obj in objs], {}, set(), protected
        return super().get_deleted_objects(objs, request)

    def delete_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
                    ) -> HttpResponse:
        try:
            return super().delete_view(request, object_id, extra_context)
        except (IntegrityError, ProtectedError, RestrictedError):
            # A reference this request cannot see (another board's row under RLS).
            messages.error(request, "该对象仍被其他专板或业务记录引用，不能删除。")
            return redirect(request.path)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":  # check the foreign keys now, not at commit
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


def shared_references(objs: Sequence[models.Model] | QuerySet[Any]) -> list[str]:
    """Kinds and counts of rows (of any board) that refer to ``objs``, for the delete page."""
    lines = []
    for relation in objs[0]._meta.related_objects if objs else ():
        if relation.many_to_many or not relation.field.concrete:
            continue
        related = cast("type[models.Model]", relation.related_model)  # a concrete relation's model
        count = related._base_manager.filter(**{f"{relation.field.name}__in": list(objs)}).count()
        if count:
            lines.append(f"{related._meta.verbose_name}：{count} 条（可能属于其他专板），不能删除")
    return lines


@admin.register(Institution)
class InstitutionAdmin(SharedObjectAdmin):
    """Institutions serve several boards, so a change touches every board it serves."""

    large_table = True
    list_display = ["code", "name", "kind", "credit_code"]
    list_filter = ["kind"]
    search_fields = ["code", "name", "credit_code"]


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class PlatformUserAdmin(SharedObjectAdmin, DjangoUserAdmin):
    """Accounts belong to the platform: a board's staff look up the accounts that take part in
    their board (and choose among them when granting a role); nothing else is named to them."""

    large_table = True


@admin.register(BoardMembership)
class BoardMembershipAdmin(BoardScopedAdmin):
    """Memberships of the current board. The account is chosen among those that take part in
    the board already (an account of another board joins through an invitation it accepts);
    only platform admins grant or edit the platform-admin role."""

    list_display = ["user", "role", "institution", "prefecture", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "institution__name"]
    list_select_related = ["user", "institution", "board"]
    autocomplete_fields = ["user", "institution"]

    def _grants_platform_admin(self, request: HttpRequest) -> bool:
        return request.user.is_superuser or has_role(request.user, board_of(request), Role.PLATFORM_ADMIN)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        if (isinstance(obj, BoardMembership) and obj.role == Role.PLATFORM_ADMIN
                and not self._grants_platform_admin(request)):
            return False
        return super().has_change_permission(request, obj)

    has_delete_permission = has_change_permission

    def get_form(self, request: HttpRequest, obj: models.Model | None = None, change: bool = False,
                 **kwargs: Any) -> type[forms.ModelForm[Any]]:
        if is_platform_admin(request.user):  # platform admins bring accounts and institutions onto a board
            form = super(BoardScopedAdmin, self).get_form(request, obj, change, **kwargs)
            return board_limited_form(form, EVERY_BOARD)
        return super().get_form(request, obj, change, **kwargs)

    def formfield_for_choice_field(self, db_field: models.Field[Any, Any], request: HttpRequest,
                                   **kwargs: Any) -> forms.TypedChoiceField | None:
        if db_field.name == "role" and not self._grants_platform_admin(request):
            kwargs["choices"] = [("", "---------")] + [
                choice for choice in Role.choices if choice[0] != Role.PLATFORM_ADMIN
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class InvitationForm(forms.ModelForm):
    class Meta:
        model = BoardInvitation
        fields = ["board", "username", "role", "prefecture", "note"]


@admin.register(BoardInvitation)
class BoardInvitationAdmin(BoardScopedAdmin):
    """Roles offered to accounts that do not take part in the board yet; the invitee answers on
    their invitations page (/invitations/). Sent invitations are not edited."""

    form = InvitationForm
    list_display = ["username", "role", "state", "invited_by", "created_at", "decided_at"]
    list_filter = ["state", "role"]
    search_fields = ["username"]
    list_select_related = ["invited_by"]

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def formfield_for_choice_field(self, db_field: models.Field[Any, Any], request: HttpRequest,
                                   **kwargs: Any) -> forms.TypedChoiceField | None:
        if db_field.name == "role":
            kwargs["choices"] = [choice for choice in Role.choices if choice[0] != Role.PLATFORM_ADMIN]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: BoardInvitation, form: forms.Form, change: bool) -> None:
        sent = invitations.invite(board_of(request), username=obj.username, role=obj.role,
                                  actor=account_of(request),
                                  prefecture=obj.prefecture, note=obj.note)
        obj.pk, obj._state, obj.invited_by = sent.pk, sent._state, sent.invited_by  # for the log and redirect


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyBoardAdmin):
    """Institutions create and revoke their keys on their API keys page (or manage.py issues one);
    the board's staff see every key of the board (only the prefix) and revoke any of them."""

    list_display = ["prefix", "institution", "user", "label", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["prefix", "label", "institution__name", "institution__code", "user__username"]
    list_filter = ["revoked_at"]
    list_select_related = ["institution", "user"]
    readonly_fields = fields = ("board", "prefix", "institution", "user", "label", "created_at",
                                "last_used_at", "revoked_at")
    actions = ["revoke_selected"]

    @admin.action(description="吊销所选密钥")
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        revoked = 0
        for key in queryset.filter(revoked_at=None):
            apikeys.revoke_key(key, actor=account_of(request))
            revoked += 1
        messages.success(request, f"已吊销 {revoked} 个密钥。" if revoked else "所选密钥均已吊销。")


class CalendarAdminMixin(_ModelAdmin):
    """The calendar is shared by every board (a holiday moves every board's deadlines): staff
    look it up, platform administrators edit it. A change triggers the recomputation of
    provisional deadlines once it is committed."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request.user) or on_board(request)

    def has_view_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_platform_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return is_platform_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return is_platform_admin(request.user)

    def _year(self, obj: Any) -> int:  # the calendar year a row is about, given by each admin
        raise NotImplementedError

    @admin.display(boolean=True, description="内置日历已覆盖该年")
    def in_package(self, obj: Any) -> bool:
        return self._year(obj) in PACKAGE_YEARS

    def _recompute(self) -> None:
        from boards.kernel.tasks import recompute_provisional_deadlines

        transaction.on_commit(recompute_provisional_deadlines.delay, robust=True)

    def save_model(self, request: HttpRequest, obj: Any, form: forms.Form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        self._recompute()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        self._recompute()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        self._recompute()


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(TechnicalAdminMixin, ReadOnlyBoardAdmin):
    list_display = ["key", "caller", "status_code", "created_at"]
    search_fields = ["key", "caller"]
    list_filter = ["status_code"]


@admin.register(CalendarYear)
class CalendarYearAdmin(CalendarAdminMixin, admin.ModelAdmin):
    list_display = ["year", "is_complete", "in_package", "source"]
    search_fields = ["year", "source"]
    list_filter = ["is_complete"]

    def _year(self, obj: CalendarYear) -> int:
        return obj.year


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(CalendarAdminMixin, admin.ModelAdmin):
    list_display = ["date", "weekday", "name", "is_workday", "in_package"]
    list_filter = ["is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"

    def _year(self, obj: HolidayOverride) -> int:
        return obj.date.year

    @admin.display(description="星期")
    def weekday(self, obj: HolidayOverride) -> str:
        return "一二三四五六日"[obj.date.weekday()]


def _columns(model: type[models.Model], shown_as: dict[str, str]) -> tuple[str, ...]:
    """Every column of ``model``, a code column shown by its label column instead."""
    return tuple(shown_as.get(f.name, f.name) for f in model._meta.fields)


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyBoardAdmin):
    """Read-mostly: deadlines change only through boards.deadlines; staff may look."""

    list_display = ["title", "kind_label", "status", "due", "stage", "next_action_at", "assignee"]
    list_filter = [OverdueDeadlineFilter, "state", "provisional", "basis", "stage",
                   code_filter("kind", "期限类型")]
    search_fields = ["title", "kind", "object_id"]
    list_select_related = ["assignee"]
    readonly_fields = fields = _columns(Deadline, {"kind": "kind_label"})
    kind_label = code_column("kind", "期限类型")

    @admin.display(description="状态", ordering="state")
    def status(self, obj: Deadline) -> str:
        if obj.state == DeadlineState.PAUSED:
            return f"暂停中（自 {timezone.localtime(obj.paused_at):%Y-%m-%d %H:%M}）"
        return obj.get_state_display()

    @admin.display(description="截止时间", ordering="due_at")
    def due(self, obj: Deadline) -> str:
        label = f"{timezone.localtime(obj.due_at):%Y-%m-%d %H:%M}"
        return f"{label}（暂定）" if obj.provisional else label


@admin.register(Notification)
class NotificationAdmin(BoardScopedAdmin):
    """Read-only record of what was sent to whom."""

    list_display = ["title", "user", "verb_label", "stage", "created_at", "read_at", "email_sent_at"]
    list_filter = [code_filter("verb", "类型"), "stage"]
    search_fields = ["title", "user__username"]
    list_select_related = ["user"]
    readonly_fields = fields = _columns(Notification, {"verb": "verb_label"})
    verb_label = code_column("verb", "类型")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False  # a deadline stage's notice is what keeps it from being sent twice


# Admin modules of the boards domain register themselves on import.
