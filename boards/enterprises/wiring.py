"""The enterprise domain registers with the kernel like any app: its modules, its configuration
sections, and its receivers of ``tier_changed`` (called by BoardsConfig.ready)."""


from django.db.models.signals import post_save


def ready() -> None:
    from boards.enterprises import queues, scoring, tiers
    from boards.enterprises.services import admission, consent, custody, disclosure
    from boards.enterprises.signals import tier_changed
    from boards.enterprises.views import admission as views_admission
    from boards.enterprises.views import approvals as views_approvals
    from boards.kernel.config import register_config_section, register_module
    from boards.kernel.datause import register_data_use
    from boards.kernel.models import Board, Role
    from boards.kernel.workbench import register_entry

    register_module("boards", "企业库")
    from boards.enterprises import labels as enterprises_labels
    from boards.kernel.labels import register_labels, register_subjects

    register_labels(enterprises_labels.LABELS)
    register_subjects(enterprises_labels.SUBJECTS)
    from boards.enterprises.actions import EnterpriseAction
    from boards.kernel.evidence import declare_actions

    declare_actions(EnterpriseAction)
    register_module("admission", "入板申报")
    register_module("custody", "登记托管")
    register_module("disclosure", "信息披露")
    register_module("equity_incentives", "股权激励")
    register_config_section("tiers", tiers.DEFAULT_TIERS, tiers.validate_tiers)
    register_config_section("scoring", scoring.DEFAULT_SCORING, scoring.validate_scoring)
    register_config_section("admission", admission.DEFAULT_ADMISSION, admission.validate_admission)
    register_config_section("custody", custody.DEFAULT_CONFIG, custody.validate_config)
    register_config_section("disclosure", disclosure.DEFAULT_CONFIG, disclosure.validate_config)
    tier_changed.connect(custody.on_tier_changed, dispatch_uid="custody_tier_changed")
    tier_changed.connect(disclosure.on_tier_changed, dispatch_uid="disclosure_tier_changed")
    from boards.enterprises.selectors import acts_for_an_enterprise

    register_entry("入板公示", "admission-publicity", module="admission")
    register_entry("我的入板申请", "admission-mine", roles=[Role.ENTERPRISE_USER], module="admission")
    register_entry("我的信息披露", "my-disclosures", roles=[Role.ENTERPRISE_USER], module="disclosure",
                   when=acts_for_an_enterprise)
    register_entry("股权激励计划", "incentive-plans", roles=[Role.ENTERPRISE_USER],
                   module="equity_incentives")
    register_entry("数据授权", "my-consents", roles=[Role.ENTERPRISE_USER], module="boards",
                   when=acts_for_an_enterprise)
    register_entry("数据使用记录", "my-data-uses", roles=[Role.ENTERPRISE_USER], module="boards",
                   when=acts_for_an_enterprise)
    register_data_use(consent.READ_ACTION, "机构查询企业数据", consent.uses_in_read)
    register_entry("辖区入板申请", "admission-bureau", roles=[Role.LOCAL_BUREAU], module="admission",
                   when=views_admission.bureau_of_a_prefecture)
    register_entry("代企业申报", "admission-bureau-file", roles=[Role.LOCAL_BUREAU], module="admission",
                   when=views_admission.bureau_of_a_prefecture)
    register_entry("分层方案审定", "admission-approvals", roles=[Role.REGULATOR], module="admission",
                   when=views_approvals.acts_for_an_approving_body)
    register_entry("服务企业的入板申请", "admission-institution", roles=[Role.INSTITUTION_USER],
                   module="admission", when=views_admission.files_for_enterprises)
    queues.register()
    post_save.connect(_new_board_gets_listing_standards, sender=Board, dispatch_uid="listing_standards")


def _new_board_gets_listing_standards(sender, instance, created, raw=False, **kwargs) -> None:
    """A new board starts with the default listing standards, which its staff then keep."""
    from boards.enterprises.listing_standards import seed_standards
    from boards.kernel.scoping import board_scope

    if created and not raw:
        with board_scope(instance):
            seed_standards(instance)
