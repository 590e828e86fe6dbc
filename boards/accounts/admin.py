"""The reset of members' second factor (an action on the kernel's board membership list) and
the authentication log in the admin: read-only, searchable and filterable, for platform admins
only. A board's staff see none of it: a login is to the platform, not to one board, and its
addresses and times are personal data of accounts that may work on other boards too."""

from django.contrib import admin, messages

from boards.accounts import secondfactor
from boards.accounts.models import AuthEvent
from boards.kernel.access import has_role
from boards.kernel.admin.base import BoardMembershipAdmin, ReadOnlyAdminMixin, _is_platform_admin
from boards.kernel.models import Role


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
        # ip_address is inet on PostgreSQL: a non-address term must not reach it as a cast.
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))



@admin.action(description="重置所选成员的双因素认证（需重新绑定，记入存证）", permissions=["change"])
def reset_second_factor(modeladmin, request, queryset):
    """Staff of the current board reset its members; a platform admin's or superuser's second
    factor only a platform admin resets; nobody resets their own (another person must)."""
    may_reset_admins = request.user.is_superuser or has_role(request.user, request.board, Role.PLATFORM_ADMIN)
    done, refused = [], []
    users = {membership.user_id: membership for membership in queryset.select_related("user")}
    for membership in users.values():
        user = membership.user
        privileged = user.is_superuser or membership.role == Role.PLATFORM_ADMIN or has_role(
            user, request.board, Role.PLATFORM_ADMIN)
        if user.pk == request.user.pk or (privileged and not may_reset_admins):
            refused.append(user.get_username())
            continue
        secondfactor.reset(request, actor=request.user, user=user, board=request.board)
        done.append(user.get_username())
    if done:
        modeladmin.message_user(request, f"已重置 {len(done)} 个账号的双因素认证（{'、'.join(done)}），"
                                         "其下次登录时须重新绑定；操作已记入存证。", messages.SUCCESS)
    if refused:
        modeladmin.message_user(request, f"无权重置：{'、'.join(refused)}（本人的或平台管理员的双因素认证须由"
                                         "其他平台管理员重置）。", messages.ERROR)


# The kernel's membership list is where a board's staff manage its people: the reset joins it there.
BoardMembershipAdmin.actions = [*(BoardMembershipAdmin.actions or ()), reset_second_factor]
