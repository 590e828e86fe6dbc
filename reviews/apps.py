from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("专家评审")

    def ready(self):
        from boards.kernel.config import register_config_section, register_module
        from reviews import config

        register_module("reviews", "专家评审")
        from boards.kernel.labels import register_labels, register_subjects
        from reviews import labels as reviews_labels

        register_labels(reviews_labels.LABELS)
        register_subjects(reviews_labels.SUBJECTS)
        from boards.kernel.evidence import declare_actions
        from reviews.actions import ReviewAction

        declare_actions(ReviewAction)
        from reviews import queues as reviews_queues

        reviews_queues.register()
        register_config_section("reviews", config.DEFAULT, config.validate)
        from boards.kernel.models import Role
        from boards.kernel.workbench import register_entry

        register_entry("评审任务", "reviews-portal:home",
                       roles=[Role.EXPERT], module="reviews", with_board=False)
        register_entry("我的专家评审", "reviews:enterprise-cases",
                       roles=[Role.ENTERPRISE_USER], module="reviews")
