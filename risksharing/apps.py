from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksharingConfig(AppConfig):
    name = "risksharing"
    verbose_name = _("风险分担")

    def ready(self):
        from boards.kernel.config import register_config_section, register_module
        from risksharing import config

        register_module("risksharing", "风险分担")
        from boards.kernel.labels import register_labels, register_subjects
        from risksharing import labels as risksharing_labels

        register_labels(risksharing_labels.LABELS)
        register_subjects(risksharing_labels.SUBJECTS)
        from boards.kernel.evidence import declare_actions
        from risksharing.actions import RiskAction

        declare_actions(RiskAction)
        from risksharing import queues as risksharing_queues

        risksharing_queues.register()
        register_config_section("risksharing", config.DEFAULT, config.validate)
        from boards.kernel.access import STAFF_ROLES
        from boards.kernel.models import Role
        from boards.kernel.workbench import register_entry

        register_entry("我的融资风险分担", "risksharing:my-cases",
                       roles=[Role.ENTERPRISE_USER], module="risksharing")
        register_entry("立项会", "risksharing:meetings", roles=[Role.CREDIT_ENHANCER], module="risksharing")
        register_entry("风险分担业务总览", "risksharing:portfolio", roles=[*STAFF_ROLES, Role.REGULATOR],
                       module="risksharing")
