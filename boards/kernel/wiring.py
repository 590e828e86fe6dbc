"""What the kernel connects when Django starts (called by BoardsConfig.ready)."""

from django.core.signals import request_started
from django.db.backends.signals import connection_created
from django.db.models.signals import post_delete, post_migrate, post_save


def ready() -> None:
    from boards.kernel import calendar, rls, scoping
    from boards.kernel.actions import KernelAction
    from boards.kernel.evidence import declare_actions

    declare_actions(KernelAction)

    connection_created.connect(scoping.on_connection_created, dispatch_uid="rls_conn")
    request_started.connect(scoping.on_request_started, dispatch_uid="rls_request")
    post_migrate.connect(rls.install_database_guards, dispatch_uid="rls_install")
    for model in ("boards.HolidayOverride", "boards.CalendarYear"):
        for signal in (post_save, post_delete):
            signal.connect(calendar.clear_cache, sender=model, dispatch_uid=f"calendar_cache_{model}")
