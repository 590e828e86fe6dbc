from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadshowsConfig(AppConfig):
    """路演: on-site roadshows and the exchange's national roadshow platform (证监办函〔2022〕840号
    (十) 1 and its 附件2 (二) 股权服务)."""

    name = "roadshows"
    verbose_name = _("路演")

    def ready(self):
        from boards.enterprises.selectors import acts_for_an_enterprise
        from boards.kernel.config import register_config_section, register_module
        from boards.kernel.labels import register_labels, register_subjects
        from boards.kernel.models import Role
        from boards.kernel.workbench import register_entry
        from roadshows import config, labels

        register_module("roadshows", "路演")
        register_config_section("roadshows", config.DEFAULT, config.validate)
        register_subjects(labels.SUBJECTS)
        register_labels(labels.LABELS)
        from boards.kernel.evidence import declare_actions
        from roadshows.actions import RoadshowAction

        declare_actions(RoadshowAction)
        register_entry("路演活动", "roadshows-enterprise", roles=[Role.ENTERPRISE_USER], module="roadshows",
                       when=acts_for_an_enterprise)
        register_entry("路演邀请", "roadshows-invitations", roles=[Role.INSTITUTION_USER], module="roadshows")
