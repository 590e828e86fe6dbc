from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BoardsConfig(AppConfig):
    name = "boards"
    verbose_name = _("专板内核")

    def ready(self):
        from django.core.signals import request_started
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_delete, post_migrate, post_save

        from boards.kernel import calendar, rls, scoping

        connection_created.connect(scoping.on_connection_created, dispatch_uid="rls_conn")
        request_started.connect(scoping.on_request_started, dispatch_uid="rls_request")
        post_migrate.connect(rls.install_database_guards, dispatch_uid="rls_install")
        for model in ("boards.HolidayOverride", "boards.CalendarYear"):
            for signal in (post_save, post_delete):
                signal.connect(calendar.clear_cache, sender=model, dispatch_uid=f"calendar_cache_{model}")

        from boards.enterprises import scoring, tiers
        from boards.kernel.config import register_config_section

        register_config_section("tiers", tiers.DEFAULT_TIERS, tiers.validate_tiers)
        register_config_section("scoring", scoring.DEFAULT_SCORING, scoring.validate_scoring)

        from boards.enterprises.services import admission

        register_config_section("admission", admission.DEFAULT_ADMISSION, admission.validate_admission)

        from boards.enterprises.services import custody, disclosure
        from boards.enterprises.signals import tier_changed

        register_config_section("custody", custody.DEFAULT_CONFIG, custody.validate_config)
        register_config_section("disclosure", disclosure.DEFAULT_CONFIG, disclosure.validate_config)
        tier_changed.connect(custody.on_tier_changed, dispatch_uid="custody_tier_changed")
        tier_changed.connect(disclosure.on_tier_changed, dispatch_uid="disclosure_tier_changed")
