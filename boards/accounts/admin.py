"""Accounts in the admin: the authentication log and the second-factor reset.

The log is read-only, searchable and filterable, for platform admins only. A board's staff see
none of it: a login is to the platform, not to one board, and its addresses and times are personal
data of accounts that may work on other boards too. The reset is an action on the kernel's board
membership list, where a board's staff manage its people."""

from django.contrib import admin, messages

from boards.accounts import secondfactor
from boards.accounts.models import AuthEvent
from boards.kernel.access import has_role
from boards.kernel.admin.base import BoardMembershipAdmin, ReadOnlyAdminMixin, _is_platform_admin
from boards.kernel.models import BoardMembership, Role


@admin.register(AuthEvent)
class AuthEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "username", "ip_address", "detail", "user_agent"]
    list_filter = ["kind", "created_at"]
    search_fields = ["username", "ip_address", "detail"]
    date_hierarchy = "created_at"
    list_per_page = 100
    show_full_result_count = False  # no COUNT over months of rows on every page

    def has_module_permission(self, request):
        return _is_platform_admin(request)

    def has_view_permission(self, request, obj=None):
        return _is_platform_admin(request)

    def get_search_results(self, request, queryset, search_term):
        # PostgreSQL refuses NUL in a text parameter (a fuzzed ?q=%00 would be a 500).
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))


@admin.action(description="重置所选成员的双因素认证（需重新绑定，记入存证）", permissions=["change"])
def reset_second_factor(modeladmin, request, queryset):
    """Staff of the current board reset the accounts that work on this board only; an account
    that also works on another board, a platform admin or a superuser only a platform admin
    resets (an account is shared by its boards); nobody resets their own (another person must)."""
    may_reset_admins = request.user.is_superuser or has_role(request.user, request.board, Role.PLATFORM_ADMIN)
    done, refused = [], []
    users = {membership.user_id: membership.user for membership in queryset.select_related("user")}
    elsewhere = set(BoardMembership.objects.filter(user_id__in=users, is_active=True)
                    .exclude(board=request.board).values_list("user_id", flat=True))
    admins = set(BoardMembership.objects.filter(user_id__in=users, is_active=True, role=Role.PLATFORM_ADMIN)
                 .values_list("user_id", flat=True))
    for user in users.values():
        # An account that also works on another board is shared: only a platform admin touches it.
        beyond_board = user.is_superuser or user.pk in admins or user.pk in elsewhere
        if user.pk == request.user.pk or (beyond_board and not may_reset_admins):
            refused.append(user.get_username())
            continue
        secondfactor.reset(request, actor=request.user, user=user, board=request.board)
        done.append(user.get_username())
    if done:
        modeladmin.message_user(request, f"已重置 {len(done)} 个账号的双因素认证（{'、'.join(done)}），"
                                         "其下次登录时须重新绑定；操作已记入存证。", messages.SUCCESS)
    if refused:
        modeladmin.message_user(request, f"无权重置：{'、'.join(refused)}（本人的、平台管理员的或同时在"
                                         "其他专板任职的账号，须由其他平台管理员重置）。", messages.ERROR)


# The kernel's membership list is where a board's staff manage its people: the reset joins it there.
BoardMembershipAdmin.actions = [*(BoardMembershipAdmin.actions or ()), reset_second_factor]  # type: ignore[misc]  # set once at import, where Django reads it
