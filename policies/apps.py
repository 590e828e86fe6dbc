from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "policies"
    verbose_name = _("政策与工作方案")

    def ready(self):
        from boards.enterprises.signals import tier_changed
        from boards.kernel.config import register_config_section, register_module
        from policies import config, services

        register_module("policies", "政策兑现")
        from boards.kernel.labels import register_labels, register_subjects
        from policies import labels as policies_labels

        register_labels(policies_labels.LABELS)
        register_subjects(policies_labels.SUBJECTS)
        from boards.kernel.evidence import declare_actions
        from policies.actions import PolicyAction

        declare_actions(PolicyAction)
        from policies import queues as policies_queues

        policies_queues.register()
        register_module("ordos_ledger", "目标任务台账")
        register_config_section("policies", config.DEFAULT, config.validate)
        tier_changed.connect(services.on_tier_changed, dispatch_uid="policies_tier_awards")
        from boards.enterprises.selectors import acts_for_an_enterprise
        from boards.kernel.access import STAFF_ROLES
        from boards.kernel.models import Role
        from boards.kernel.workbench import register_entry

        register_entry("我可享受的政策", "policies-my", roles=[Role.ENTERPRISE_USER], module="policies",
                       when=acts_for_an_enterprise)
        register_entry("政策兑现办理", "policies-awards", roles=STAFF_ROLES, module="policies")
        register_entry("目标任务台账", "policies-ordos",
                       roles=[*STAFF_ROLES, Role.REGULATOR], module="ordos_ledger")
