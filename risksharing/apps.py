from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksharingConfig(AppConfig):
    name = "risksharing"
    verbose_name = _("风险分担")

    def ready(self):
        from boards.kernel.config import register_config_section, register_module
        from risksharing import config

        register_module("risksharing", "风险分担")
        register_config_section("risksharing", config.DEFAULT, config.validate)
