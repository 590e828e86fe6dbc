import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django_scopes import get_scope

from boards.kernel import demo
from boards.kernel.models import Board, BoardMembership, Institution, Role
from boards.kernel.uscc import validate_uscc

SLUGS = ["nmg-kcb", "xj-zjtx", "ordos", "jinzhong"]


def _snapshot():
    User = get_user_model()
    return {
        "counts": (User.objects.count(), Board.objects.count(), Institution.objects.count(),
                   BoardMembership.objects.count()),
        "users": sorted(User.objects.values_list("username", "password", "is_staff", "is_superuser")),
        "memberships": sorted(BoardMembership.objects.values_list(
            "user__username", "board__slug", "role", "institution__code", "prefecture")),
        "boards": sorted(Board.objects.values_list("slug", "name_zh", "filing_prefix", "config")),
        "institutions": sorted(Institution.objects.values_list("code", "name", "kind", "credit_code")),
    }


@pytest.fixture
def seeded(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")


def test_refuses_without_debug_unless_forced(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not Board.objects.exists()
    call_command("seed_demo", force=True)
    assert sorted(Board.objects.values_list("slug", flat=True)) == sorted(SLUGS)


def test_second_run_changes_nothing(seeded):
    before = _snapshot()
    call_command("seed_demo")
    assert _snapshot() == before


def test_tenants_and_their_configuration(seeded):
    boards = {b.slug: b for b in Board.objects.all()}
    assert set(boards) == set(SLUGS)
    nmg, xj, ordos, jinzhong = (boards[s] for s in SLUGS)
    assert (nmg.kind, xj.kind, ordos.kind, jinzhong.kind) == ("board", "board", "programme", "programme")
    assert [r["code"] for r in nmg.regulators] == ["jrb", "kjt"]
    assert [r["code"] for r in xj.regulators] == ["gxt", "jrjg", "zjj"]
    assert [b.filing_prefix for b in (nmg, xj, ordos, jinzhong)] == ["NMG-KCB", "XJ-ZJTX", "ORDOS", "JZ"]
    assert "ordos_ledger" in ordos.config["modules"] and "ordos_ledger" not in nmg.config["modules"]
    assert "service_institutions" in jinzhong.config["modules"]
    assert "risksharing" in nmg.config["modules"] and "risksharing" not in xj.config["modules"]
    assert nmg.config["deadlines"]  # defaults of every registered section are filled in


def test_every_role_has_a_user_on_every_tenant(seeded):
    for slug in SLUGS:
        held = set(BoardMembership.objects.filter(board__slug=slug, user__username__startswith=f"{slug}.")
                   .values_list("role", flat=True))
        assert held == set(Role.values), slug
        for role, suffix in demo.ROLE_USERNAMES.items():
            assert BoardMembership.objects.filter(
                user__username=f"{slug}.{suffix}", board__slug=slug, role=role).exists()


def test_multi_board_accounts(seeded):
    admin = BoardMembership.objects.filter(user__username="platform.admin")
    assert sorted(admin.values_list("board__slug", flat=True)) == sorted(SLUGS)
    assert set(admin.values_list("role", flat=True)) == {Role.PLATFORM_ADMIN}
    bank = BoardMembership.objects.filter(user__username="inst.boc")
    assert sorted(bank.values_list("board__slug", flat=True)) == ["nmg-kcb", "xj-zjtx"]
    assert set(bank.values_list("role", "institution__kind")) == {(Role.INSTITUTION_USER, "bank")}


def test_institutions_are_consistent(seeded):
    kinds = set(Institution.objects.values_list("kind", flat=True))
    assert {"bank", "guarantee", "reguarantee", "productivity_centre", "fund", "securities",
            "accounting", "law", "valuation", "amc"} <= kinds
    assert Institution.objects.get(code="NMZDB").name.startswith("内蒙古再担保")
    for institution in Institution.objects.all():
        assert validate_uscc(institution.credit_code) == institution.credit_code
    served = {code: set(slugs) for code, _, _, _, slugs in demo.INSTITUTIONS}
    linked = BoardMembership.objects.exclude(institution=None).select_related("board", "institution")
    checked = 0
    for membership in linked:
        # App seeders add their own bodies (approving bodies, Jinzhong candidates) on their board.
        if membership.institution.code in served:
            assert membership.board.slug in served[membership.institution.code], membership
            checked += 1
    assert checked >= len(served)


def test_demo_password_works_with_argon2(seeded, client):
    for username in ["nmg-kcb.staff", "xj-zjtx.regulator", "jinzhong.expert", "inst.boc", "platform.admin"]:
        user = get_user_model().objects.get(username=username)
        assert user.password.startswith("argon2$")
        client.logout()
        response = client.post("/accounts/login/", {"username": username, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(user.pk)


def test_changed_password_is_reset_to_the_demo_one(seeded):
    user = get_user_model().objects.get(username="ordos.bureau")
    user.set_password("something-else-entirely")
    user.save()
    call_command("seed_demo")
    user.refresh_from_db()
    assert user.check_password(demo.DEMO_PASSWORD)


def test_registered_seeders_run_per_board_in_order_inside_its_scope(db, settings, monkeypatch):
    settings.DEBUG = True
    demo.board_seeders()  # import every app's demo module before swapping the registry
    monkeypatch.setattr(demo, "_SEEDERS", [])
    calls = []

    @demo.demo_seeder(order=20)
    def later(board, stdout):
        calls.append(("later", board.slug, get_scope()["board"]))

    @demo.demo_seeder(order=10)
    def earlier(board, stdout):
        calls.append(("earlier", board.slug, get_scope()["board"]))

    call_command("seed_demo")
    ids = dict(Board.objects.values_list("slug", "id"))
    expected = [(name, slug, [ids[slug]]) for slug in SLUGS for name in ("earlier", "later")]
    assert calls == expected


def test_demo_enterprises_are_realistic_valid_and_repeatable():
    for slug in SLUGS:
        enterprises = demo.demo_enterprises(slug)
        assert enterprises == demo.demo_enterprises(slug)
        assert len(enterprises) == 50
        assert len({e["name"] for e in enterprises}) == 50
        assert len({e["credit_code"] for e in enterprises}) == 50
        places = next(b for b in demo.BOARDS if b["slug"] == slug)["places"]
        divisions = {division for _, _, division in places}
        for enterprise in enterprises:
            assert validate_uscc(enterprise["credit_code"]) == enterprise["credit_code"]
            assert enterprise["credit_code"][2:8] in divisions
            assert enterprise["name"].endswith("公司")
            assert enterprise["industry"] in enterprise["name"]


def test_readme_lists_every_demo_account():
    from django.conf import settings

    readme = (settings.BASE_DIR / "README.md").read_text()
    assert f"`{demo.DEMO_PASSWORD}`" in readme
    names = [f"{board['slug']}.{suffix}" for board in demo.BOARDS for suffix in demo.ROLE_USERNAMES.values()]
    names += [demo.PLATFORM_ADMIN_USERNAME] + [f"inst.{code.lower()}" for code, *_ in demo.INSTITUTIONS]
    assert [name for name in names if f"`{name}`" not in readme] == []
