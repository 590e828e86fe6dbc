"""The registry of cross-tenant probes: every URL pattern of config/urls.py is either probed here
or listed in ALLOWED_PUBLIC with its reason. test_probes.py fails on a pattern with neither.

An entry names what fills the pattern's kwargs (a victim object, see world.py), the roles the
URL is built for (the attacker board's users with those roles attack it, plus its staff and an
anonymous caller), same-board outsiders to try, and the write methods to try.
"""

from dataclasses import dataclass, field

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from boards.kernel.models import TenantModel

POST = (("post", {}),)


@dataclass(frozen=True)
class Entry:
    """``target``: attribute of the victim namespace whose pk fills ``pk`` (None: a list page);
    ``extra``: more kwargs, as callables of the victim namespace; ``roles``: attacker-board roles
    to send; ``same``: same-board outsiders; ``writes``: (method, body) tried besides GET
    (``get=False`` for POST-only actions)."""

    target: str | None = None
    roles: tuple = ()
    same: tuple = ()
    writes: tuple = ()
    extra: dict = field(default_factory=dict)
    get: bool = True
    public: str = ""  # why the victim's own board shows this to anyone (then only PRIVATE must not show)
    same_reads: str = ""  # why same-board outsiders may read it (redacted: the marker must still not show)


def _award_steps():
    from policies.steps import AWARD_STEPS

    return AWARD_STEPS


def _page_award_steps():
    from policies.steps import AWARD_STEPS

    return AWARD_STEPS


def _claim_steps():
    from policies.steps import CLAIM_STEPS

    return CLAIM_STEPS


def _review_steps():
    from reviews.steps import CASE_STEPS

    return CASE_STEPS


INST = ("institution_user", "apikey")
MATCH_STEPS = ("interest", "decline", "engage", "request_value_report", "due_diligence", "finance", "fail")

PROBES = {
    # --- pages: alliance ---------------------------------------------------------------------
    "alliance-catalogue": Entry(roles=("enterprise_user",), public="the public product catalogue"),
    "alliance-service-institutions": Entry(roles=("institution_user",),
                                           public="the public list of appointed service institutions"),
    "alliance-my-financing": Entry(roles=("enterprise_user",)),
    "alliance-enterprise-products": Entry("listed", roles=("enterprise_user", "institution_user")),
    "alliance-institution-products": Entry(roles=("institution_user",)),
    "alliance-institution-product-new": Entry(roles=("institution_user",), writes=POST),
    "alliance-institution-product": Entry("product", roles=("institution_user",), same=("noconsent",),
                                          writes=POST),
    "alliance-institution-product-withdraw": Entry("product", roles=("institution_user",),
                                                   same=("noconsent",), writes=POST),
    "alliance-institution-product-publish": Entry("product", roles=("institution_user",),
                                                  same=("noconsent",), writes=POST),
    # --- pages: reviews (enterprise) and the expert portal -------------------------------------
    "reviews:enterprise-cases": Entry(roles=("enterprise_user",)),
    "reviews:enterprise-case": Entry("case", roles=("enterprise_user",)),
    "reviews:feedback-letter": Entry("case", roles=("enterprise_user",)),
    "reviews-portal:seat": Entry("seat", roles=("expert",), same=("free_expert",)),
    "reviews-portal:receipt": Entry("seat", roles=("expert",), same=("free_expert",), writes=POST),
    "reviews-portal:supplement": Entry("seat", roles=("expert",), same=("free_expert",), writes=POST),
    "reviews-portal:decline": Entry("seat", roles=("expert",), same=("free_expert",), writes=POST),
    "reviews-portal:opinion": Entry("seat", roles=("expert",), same=("free_expert",), writes=POST),
    "reviews-portal:form-docx": Entry("seat", roles=("expert",), same=("free_expert",)),
    "reviews-portal:material": Entry("seat", roles=("expert",), same=("free_expert",),
                                     extra={"material_pk": lambda v: v.case_material.pk}),
    # --- pages: policies -----------------------------------------------------------------------
    "policies-enterprise": Entry("listed", roles=("local_bureau",)),
    "policies-my": Entry(roles=("enterprise_user",)),
    "policies-awards": Entry(roles=("local_bureau",)),
    "policies-awards-file": Entry(roles=(), writes=POST),
    "policies-award-step": Entry("award", writes=POST, get=False,
                                 extra={"step": lambda v: next(iter(_page_award_steps()))}),
    "policies-ordos": Entry(roles=("local_bureau",)),
    "policies-ordos-xlsx": Entry(roles=("local_bureau",)),
    "policies-ordos-file": Entry(writes=POST),
    "policies-ledger-reports": Entry(roles=("local_bureau",)),
    "policies-ledger-report": Entry("quarterly", roles=("local_bureau",), writes=POST),
    # --- pages: cultivation --------------------------------------------------------------------
    "cultivation-pipeline": Entry(roles=("local_bureau", "regulator", "institution_user")),
    "cultivation-path": Entry("listing_path", roles=("institution_user", "enterprise_user"),
                              same=("noconsent",)),
    "cultivation-path-step": Entry("listing_path", roles=("institution_user",), same=("noconsent",),
                                   writes=POST, extra={"step": lambda v: "convert"}),
    "cultivation-evaluation": Entry(roles=("enterprise_user", "institution_user", "regulator")),
    "cultivation-surveys": Entry(roles=("enterprise_user",)),
    "cultivation-survey": Entry("survey", roles=("enterprise_user",), writes=POST),
    # --- pages: roadshows ----------------------------------------------------------------------
    "roadshows-enterprise": Entry(roles=("enterprise_user", "institution_user")),
    "roadshows-signup": Entry("roadshow", roles=("enterprise_user", "institution_user"), writes=POST),
    "roadshows-invitations": Entry(roles=("institution_user", "enterprise_user"), same=("noconsent",)),
    "roadshows-invitation-step": Entry("roadshow_invitation", roles=("institution_user",),
                                       same=("noconsent",), writes=POST, extra={"step": lambda v: "confirm"}),
    # --- pages: equity incentives (directed disclosure) -----------------------------------------
    "incentive-plans": Entry(roles=("enterprise_user", "institution_user", "regulator"), same=("noconsent",),
                             same_reads="a user of the board sees the plans disclosed to them (none here)"),
    "incentive-plan": Entry("incentive_plan", roles=("enterprise_user", "institution_user", "regulator"),
                            same=("noconsent",)),
    # --- pages: risk sharing -------------------------------------------------------------------
    "risksharing:meetings": Entry(roles=("credit_enhancer",)),
    "risksharing:meeting": Entry("financing_case", roles=("credit_enhancer",), writes=POST),
    "risksharing:letter": Entry("letter", roles=("credit_enhancer", "enterprise_user")),
    "risksharing:my-cases": Entry(roles=("enterprise_user",)),
    "risksharing:portfolio": Entry(roles=("regulator",)),
    # --- pages: kernel, custody, disclosure, consent, admission --------------------------------
    "filing-list": Entry(roles=("regulator",)),
    "api-keys": Entry(roles=("institution_user",), same=("noconsent",), writes=(("post", {"label": "探测"}),),
                      same_reads="another institution's user sees its own keys only (not the victim's)"),
    "api-key-revoke": Entry("bank_key", roles=("institution_user",), same=("noconsent",), writes=POST,
                            get=False),
    "workbench": Entry(roles=("enterprise_user", "institution_user", "regulator")),
    "filing-download": Entry("filing", roles=("regulator",)),
    "enterprise-profile": Entry("listed", roles=("local_bureau",)),
    "enterprise-disclosures": Entry("listed", roles=("institution_user", "regulator"),
                                    public="a listed enterprise's public disclosures (信息披露)"),
    "disclosure-file": Entry("disclosure", roles=("institution_user", "regulator")),
    "my-consents": Entry(roles=("enterprise_user",)),
    "my-data-uses": Entry(roles=("enterprise_user",)),
    "my-data-use-receipt": Entry(roles=("enterprise_user",)),
    "my-consent-revoke": Entry("consent", roles=("enterprise_user",), writes=POST),
    "my-disclosures": Entry(roles=("enterprise_user",)),
    "admission-mine": Entry(roles=("enterprise_user",)),
    "admission-detail": Entry("application", roles=("enterprise_user", "local_bureau")),
    "admission-edit": Entry("application", roles=("enterprise_user",), writes=POST),
    "admission-form": Entry("application", roles=("enterprise_user", "local_bureau"), writes=POST),
    "admission-material-add": Entry("application", roles=("enterprise_user",), writes=POST),
    "admission-material": Entry("application", roles=("enterprise_user",),
                                extra={"material_pk": lambda v: v.material.pk}),
    "admission-submit": Entry("application", roles=("enterprise_user",), writes=POST, get=False),
    "admission-publicity": Entry(roles=("enterprise_user",), public="the statutory publicity of admissions"),
    "admission-bureau": Entry(roles=("local_bureau",)),
    "admission-approvals": Entry(roles=("regulator",)),
    "admission-bureau-file": Entry(roles=("local_bureau",), writes=POST),
    "admission-institution": Entry(roles=("institution_user",)),
    "admission-approve": Entry("plan", roles=("regulator",), writes=POST,
                               extra={"body": lambda v: v.approver_body}),
    # --- API: alliance -------------------------------------------------------------------------
    "api-alliance-catalogue": Entry(roles=("enterprise_user", *INST), public="the public product catalogue"),
    "api-alliance-catalogue-detail": Entry("product", roles=("enterprise_user", *INST),
                                           public="a product of the public catalogue"),
    "api-alliance-memberships": Entry(roles=INST),
    "api-alliance-products": Entry(roles=INST),
    "api-alliance-product": Entry("product", roles=INST, same=("noconsent", "noconsent_key"),
                                  writes=(("patch", {"name": "x"}), ("put", {"name": "x"}),
                                          ("delete", None))),
    "api-alliance-profile": Entry(roles=INST),
    "api-alliance-pushed": Entry(roles=INST, same=("noconsent", "noconsent_key")),
    "api-alliance-pushed-detail": Entry("listed", roles=INST, same=("noconsent", "noconsent_key")),
    "api-alliance-matchmakings": Entry(roles=INST, same=("noconsent_key",)),
    "api-alliance-matchmaking": Entry("matchmaking", roles=INST, same=("noconsent", "noconsent_key")),
    "api-alliance-value-report": Entry("matchmaking", roles=INST, same=("noconsent_key",)),
    **{f"api-alliance-matchmaking-{step}": Entry("matchmaking", roles=INST, same=("noconsent_key",),
                                                 writes=POST, get=False)
       for step in MATCH_STEPS},
    "api-alliance-recommendations": Entry(roles=INST),
    "api-alliance-needs": Entry(roles=INST, same=("noconsent_key",)),
    "api-alliance-need": Entry("need", roles=INST, same=("noconsent", "noconsent_key"),
                               same_reads="a whitelisted need goes to every member; the enterprise only with "
                                          "consent"),
    "api-alliance-exit-cases": Entry(roles=INST, same=("noconsent_key",)),
    "api-alliance-exit-answer": Entry("exit_case", roles=INST, same=("noconsent_key",),
                                      writes=(("post", {"answer": "答复"}),), get=False),
    "api-alliance-rounds": Entry(roles=INST),
    "api-alliance-applications": Entry(roles=INST, same=("noconsent_key",)),
    "api-alliance-forms": Entry(roles=INST, same=("noconsent_key",)),
    "api-alliance-form-submit": Entry("form", roles=INST, same=("noconsent_key",), writes=POST, get=False),
    "api-alliance-progress": Entry(roles=INST, same=("noconsent_key",)),
    "api-alliance-progress-submit": Entry("report", roles=INST, same=("noconsent_key",), writes=POST,
                                          get=False),
    "api-alliance-attestations": Entry(roles=INST, same=("noconsent_key",)),
    # --- API: reviews, policies, risk sharing --------------------------------------------------
    "api-review-case-list": Entry(roles=INST),
    "api-review-case-detail": Entry("case", roles=INST),
    "api-review-case-step": Entry("case", writes=POST, get=False,
                                  extra={"step": lambda v: next(iter(_review_steps()))}),
    "api-policy-list": Entry(roles=("enterprise_user",)),
    "api-enterprise-policy-matches": Entry("listed", roles=("enterprise_user",)),
    "api-award-list": Entry(roles=("enterprise_user",)),
    "api-award-step": Entry("award", roles=("enterprise_user",), writes=POST, get=False,
                            extra={"step": lambda v: next(iter(_award_steps()))}),
    "api-guarantee-claim-list": Entry(roles=("credit_enhancer",)),
    "api-guarantee-claim-step": Entry("claim", roles=("credit_enhancer",), writes=POST, get=False,
                                      extra={"step": lambda v: next(iter(_claim_steps()))}),
    "api-financing-case-list": Entry(roles=INST),
    "api-financing-case-detail": Entry("financing_case", roles=INST),
    "api-financing-case-answer": Entry("financing_case", roles=INST, writes=POST, get=False),
    "api-financing-case-letter": Entry("financing_case", roles=INST,
                                       extra={"letter": lambda v: v.letter.pk}),
    "api-listing-path-list": Entry(roles=INST, same=("noconsent", "noconsent_key")),
    "api-listing-path-detail": Entry("listing_path", roles=INST, same=("noconsent", "noconsent_key")),
    "api-listing-path-step": Entry("listing_path", roles=INST, same=("noconsent", "noconsent_key"),
                                   writes=POST, get=False, extra={"step": lambda v: "convert"}),
    "api-research-visit-list": Entry(roles=INST, same=("noconsent", "noconsent_key")),
    "api-research-visit-detail": Entry("research_visit", roles=INST, same=("noconsent", "noconsent_key")),
    "api-roadshow-invitation-list": Entry(roles=INST, same=("noconsent", "noconsent_key")),
    "api-roadshow-invitation-detail": Entry("roadshow_invitation", roles=INST,
                                            same=("noconsent", "noconsent_key")),
    "api-roadshow-invitation-step": Entry("roadshow_invitation", roles=INST,
                                          same=("noconsent", "noconsent_key"), writes=POST, get=False,
                                          extra={"step": lambda v: "confirm"}),
    # --- API: kernel -----------------------------------------------------------------------------
    "api-me": Entry(roles=INST),
    "api-filing-list": Entry(roles=("regulator",)),
    "api-filing-detail": Entry("filing", roles=("regulator",)),
    "api-filing-download": Entry("filing", roles=("regulator",)),
    "api-evidence-checkpoint": Entry(roles=("regulator", *INST)),
    "api-evidence-inclusion": Entry(roles=("regulator", *INST), extra={"seq": lambda v: 1}),
    "api-evidence-consistency": Entry(roles=("regulator", *INST)),
    "api-notification-list": Entry(roles=("enterprise_user",)),
    "api-notification-read": Entry("notification", roles=("enterprise_user",), writes=POST, get=False),
    "api-enterprise-list": Entry(roles=INST, same=("noconsent", "noconsent_key")),
    "api-enterprise-detail": Entry("listed", roles=INST, same=("noconsent", "noconsent_key")),
}

# Board-less pages, public or showing the caller's own data only, by design. The probes still send
# attackers there and check that no victim marker shows.
ALLOWED_PUBLIC = {
    "healthz": "liveness check: no data",
    "home": "landing page: lists the caller's own boards only",
    "workbench-landing": "redirects to the workbench of one of the caller's own boards",
    "invitation-list": "the caller's own pending invitations (matched by their username), any board",
    "invitation-answer": "answers only an invitation addressed to the caller (see tests/security)",
    "login": "login form",
    "logout": "logout",
    "password_change": "the caller's own password",
    "password_change_done": "static confirmation",
    "password_reset": "reset request form",
    "password_reset_done": "static confirmation",
    "password_reset_confirm": "token-checked reset form",
    "password_reset_complete": "static confirmation",
    "second-factor-setup": "the caller's own authenticator enrolment",
    "second-factor-verify": "the caller's own second-factor code",
    "second-factor-recovery": "the caller's own recovery codes",
    "schema": "OpenAPI schema: no tenant data",
    "api-docs": "Swagger UI shell",
    "api-board-list": "the board directory is public",
    "evidence-public-key": "the deployment's checkpoint public key: no tenant data",
    "reviews-portal:home": "the expert's own seats across boards",
    "admin:index": "admin home: the current (own) board's apps only",
    "admin:login": "admin login form",
    "admin:logout": "logout",
    "admin:password_change": "the caller's own password",
    "admin:password_change_done": "static confirmation",
    "admin:jsi18n": "translations",
    "admin:autocomplete": "autocomplete over the current (own) board's querysets",
    "admin:app_list": "an app's model list for the current (own) board",
    "admin:<catch-all>": "admin's final catch-all (redirect or 404)",
    "admin-switch-board": "POST-only board switcher; probed by test_admin_switch_to_foreign_board",
    "admin:view_on_site": "content-type shortcut; probed by test_admin_view_on_site_of_foreign_object",
}


def public_reasons():
    """Every pattern public by design, with its reason: ALLOWED_PUBLIC and the public PROBES."""
    return {**ALLOWED_PUBLIC, **{key: entry.public for key, entry in PROBES.items() if entry.public}}


def walk(resolver=None, prefix="", namespace=None):
    """Every concrete URL pattern: (key, route, pattern). The key is the pattern's name with its
    namespace; unnamed admin patterns get a descriptive key."""
    resolver = resolver or get_resolver()
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            ns = ":".join(n for n in (namespace, item.namespace) if n) or None
            yield from walk(item, prefix + str(item.pattern), ns)
        elif isinstance(item, URLPattern):
            route = prefix + str(item.pattern)
            if item.name:
                key = f"{namespace}:{item.name}" if namespace else item.name
            elif route.startswith("admin/") and route.endswith("<path:object_id>/"):
                key = f"admin:<change-redirect>:{route}"
            elif route.startswith("admin/"):
                key = "admin:<catch-all>"
            else:
                key = f"<unnamed>:{route}"
            yield key, route, item


# --- The admin: every ModelAdmin -------------------------------------------------------------------

ADMIN_DETAIL_VIEWS = ("change", "history", "delete")


def admin_models():
    """(model, model_admin) of every registered ModelAdmin."""
    return sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def admin_is_tenant(model):
    return issubclass(model, TenantModel)


# Global (non-tenant) admin models whose rows belong to a board: the victim row to try. The rest
# (users, celery beat, axes, calendars, institutions) hold no tenant data; their changelists are
# still probed for the victim marker.
ADMIN_GLOBAL_TARGETS = {
    "boards.board": "board",
    "boards.boardmembership": "membership",
    "boards.boardinvitation": "invitation",
    "boards.apikey": "apikey",
}

ADMIN_GLOBAL_NO_OBJECT = {
    "auth.group": "no tenant data",
    "auth.user": "accounts are global; per-board access is by membership (probed)",
    "boards.institution": "institutions serve several boards: shared reference data",
    "boards.calendaryear": "the national working-day calendar",
    "boards.holidayoverride": "the national working-day calendar",
    "django_celery_beat.periodictask": "platform schedule, no tenant data",
    "django_celery_beat.clockedschedule": "platform schedule, no tenant data",
    "django_celery_beat.crontabschedule": "platform schedule, no tenant data",
    "django_celery_beat.solarschedule": "platform schedule, no tenant data",
    "django_celery_beat.intervalschedule": "platform schedule, no tenant data",
    "accounts.authevent": "the platform's authentication log: platform admins only, no tenant rows",
    "axes.accessattempt": "login throttling records",
    "axes.accesslog": "login throttling records",
    "axes.accessfailurelog": "login throttling records",
}


def admin_pattern_keys():
    """Every admin URL key the generic admin probe covers."""
    keys = set()
    for model, model_admin in admin_models():
        info = model._meta.app_label, model._meta.model_name
        for item in model_admin.get_urls():
            if isinstance(item, URLPattern) and item.name:
                keys.add("admin:" + item.name)
            elif isinstance(item, URLPattern):
                keys.add(f"admin:<change-redirect>:admin/{info[0]}/{info[1]}/{item.pattern}")
    return keys


# Positive controls: the victim's own user reaches the object and sees the marker, so the probes'
# refusals above come from the access checks, not from a world too thin to reach. (URL key, victim
# attribute of the user, admin?)
CONTROLS = [
    ("enterprise-profile", "staff"),
    ("enterprise-disclosures", "staff"),
    ("disclosure-file", "staff"),
    ("filing-download", "staff"),
    ("admission-detail", "enterprise_user"),
    ("admission-material", "enterprise_user"),
    ("reviews:enterprise-case", "enterprise_user"),
    ("reviews-portal:seat", "expert_user"),
    ("risksharing:letter", "enhancer_user"),
    ("policies-ledger-report", "bureau"),
    ("api-alliance-product", "bank_user"),
    ("api-alliance-need", "bank_user"),
    ("api-alliance-matchmaking", "bank_user"),
    ("api-enterprise-detail", "bank_user"),
    ("api-alliance-pushed-detail", "bank_user"),
    ("api-filing-detail", "staff"),
    ("cultivation-path", "staff"),
    ("cultivation-path", "bank_user"),
    ("api-listing-path-detail", "bank_user"),
    ("api-research-visit-detail", "bank_user"),
    ("api-keys", "bank_user"),
    ("cultivation-survey", "enterprise_user"),
    ("roadshows-invitations", "bank_user"),
    ("incentive-plan", "bank_user"),
    ("incentive-plan", "staff"),
    ("incentive-plans", "bank_user"),
    ("roadshows-invitation-step", "bank_user"),
    ("api-roadshow-invitation-detail", "bank_user"),
]


def is_api(key):
    return key.startswith("api-") and key not in ("api-docs",)


def victim_path(world, key):
    entry, v = PROBES[key], world.victim
    kwargs = {"board": v.board.slug, **{name: make(v) for name, make in entry.extra.items()}}
    if entry.target:
        kwargs["pk"] = getattr(v, entry.target).pk
    return reverse(key, kwargs=kwargs)
