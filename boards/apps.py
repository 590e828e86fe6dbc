from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    name = "boards"
    verbose_name = _("专板内核")

    def ready(self):
        from django.core.signals import request_started
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from boards import rls, scoping

        connection_created.connect(scoping.on_connection_created, dispatch_uid="rls_conn")
        request_started.connect(scoping.on_request_started, dispatch_uid="rls_request")
        post_migrate.connect(rls.install_database_guards, dispatch_uid="rls_install")
