from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllianceConfig(AppConfig):
    name = "alliance"
    verbose_name = _("科创服务联盟")

    def ready(self):
        from alliance import config, selectors, services
        from alliance.federation import Federations
        from boards.kernel.config import register_config_section, register_module
        from boards.kernel.providers import FederationDirectory, register_provider
        from boards.kernel.signals import quality_challenge_raised

        register_module("alliance", "科创服务联盟")
        from alliance import labels as alliance_labels
        from boards.kernel.labels import register_labels, register_subjects

        register_labels(alliance_labels.LABELS)
        register_subjects(alliance_labels.SUBJECTS)
        from alliance.actions import AllianceAction
        from boards.kernel.evidence import declare_actions

        declare_actions(AllianceAction)
        from alliance import queues as alliance_queues

        alliance_queues.register()
        register_module("service_institutions", "科技金融服务机构")
        register_config_section("alliance", config.DEFAULT_ALLIANCE, config.validate_alliance)
        register_config_section("service_institutions", config.DEFAULT_SERVICE_INSTITUTIONS,
                                config.validate_service_institutions)
        quality_challenge_raised.connect(services.on_quality_challenge, dispatch_uid="alliance_exit_case")
        register_provider(FederationDirectory, Federations())
        from alliance.investors import Investors
        from boards.kernel.providers import InvestorDirectory

        register_provider(InvestorDirectory, Investors())
        from boards.kernel.datause import register_data_use

        register_data_use(AllianceAction.MATCHMAKING_PUSHED, "对接推送", services.uses_in_push)
        from boards.kernel.models import Role
        from boards.kernel.workbench import register_entry

        register_entry("金融超市", "alliance-catalogue", module="alliance")
        register_entry("科技金融服务机构名单", "alliance-service-institutions", module="service_institutions")
        register_entry("我的融资需求", "alliance-my-financing",
                       roles=[Role.ENTERPRISE_USER], module="alliance")
        register_entry("本机构金融产品", "alliance-institution-products",
                       roles=[Role.INSTITUTION_USER, Role.CREDIT_ENHANCER], module="alliance",
                       when=selectors.acts_for_member)
