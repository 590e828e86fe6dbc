from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CultivationConfig(AppConfig):
    """上市培育与专板运行: listing cultivation, research visits, operation reports and the
    CSRC/MIIT tracking evaluation (证监办函〔2022〕840号 (十一)、(二十三) and its 附件2 (三)、(六))."""

    name = "cultivation"
    verbose_name = _("上市培育与运行评价")

    def ready(self):
        from boards.kernel.access import STAFF_ROLES
        from boards.kernel.config import register_config_section, register_module
        from boards.kernel.evidence import declare_actions
        from boards.kernel.labels import register_labels, register_subjects
        from boards.kernel.models import Role
        from boards.kernel.workbench import register_entry
        from cultivation import config, labels
        from cultivation.actions import CultivationAction

        register_module("listing_cultivation", "上市培育")
        register_module("research_visits", "调研走访")
        register_module("operation_reports", "专板运行情况报送")
        register_module("tracking_evaluation", "跟踪评价与满意度")
        register_config_section("cultivation", config.DEFAULT, config.validate)
        register_subjects(labels.SUBJECTS)
        register_labels(labels.LABELS)
        declare_actions(CultivationAction)
        readers = [*STAFF_ROLES, Role.LOCAL_BUREAU, Role.REGULATOR]
        register_entry("上市培育进度", "cultivation-pipeline", roles=readers, module="listing_cultivation")
        register_entry("跟踪评价", "cultivation-evaluation", roles=readers, module="tracking_evaluation")
        register_entry("服务满意度评价", "cultivation-surveys", roles=[Role.ENTERPRISE_USER],
                       module="tracking_evaluation")
        from boards.kernel.signals import service_delivered
        from cultivation.services.surveys import on_service_delivered

        service_delivered.connect(on_service_delivered, dispatch_uid="cultivation_satisfaction_survey")
