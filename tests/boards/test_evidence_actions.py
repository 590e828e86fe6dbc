"""Evidence actions are declared once per app (an ``EvidenceAction`` enum registered in its
``AppConfig.ready``): the code passes members, never a name built at run time, and ``record``
refuses an action no app declared. The stored values stay those already in the logs."""

import ast
import pathlib

import pytest
from django.core.management import call_command

from boards.kernel import evidence
from boards.kernel.evidence import EvidenceAction, declare_actions, declared_actions
from boards.kernel.labels import code_label
from boards.kernel.models import Board, EvidenceEntry
from boards.kernel.scoping import board_scope

ROOT = pathlib.Path(__file__).resolve().parents[2]
APPS = ("boards", "alliance", "policies", "reviews", "risksharing", "cultivation", "roadshows")


def _enums():
    found, todo = [], [EvidenceAction]
    while todo:
        for sub in todo.pop().__subclasses__():
            found.append(sub)
            todo.append(sub)
    return found


def _is_record(node):
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "evidence")


def _name(func):
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _action_arguments():
    """Every expression the code passes as an evidence action: the action argument of each
    ``evidence.record`` call and, for a helper handing one of its parameters on as the action
    (``_record(case, action, ...)``), that argument of each call of the helper."""
    trees = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                trees[str(path.relative_to(ROOT))] = ast.parse(path.read_text())
    helpers = {}  # name -> (position, parameter)
    for tree in trees.values():
        for func in ast.walk(tree):
            if isinstance(func, ast.FunctionDef):
                params = [arg.arg for arg in func.args.args]
                for call in ast.walk(func):
                    if _is_record(call) and isinstance(call.args[1], ast.Name) and call.args[1].id in params:
                        helpers[func.name] = (params.index(call.args[1].id), call.args[1].id)
    assert {"_record", "_save_product", "_save_new", "_award_step", "_claim_step"} <= set(helpers)
    for where, tree in trees.items():
        for call in ast.walk(tree):
            if _is_record(call):
                yield f"{where}:{call.lineno}", call.args[1]
            elif isinstance(call, ast.Call) and _name(call.func) in helpers:
                position, param = helpers[_name(call.func)]
                given = [kw.value for kw in call.keywords if kw.arg == param]
                given += call.args[position:position + 1]
                yield from ((f"{where}:{call.lineno}", arg) for arg in given)


def test_no_action_is_written_as_text_or_built_at_run_time():
    calls = list(_action_arguments())
    assert len(calls) > 150  # the walk found the apps' services
    # A literal, an f-string, a concatenation or a call (str.format), also as a branch of an IfExp.
    text = (ast.Constant, ast.JoinedStr, ast.BinOp, ast.Call)

    def values(arg):
        return values(arg.body) + values(arg.orelse) if isinstance(arg, ast.IfExp) else [arg]

    built = [where for where, arg in calls if any(isinstance(value, text) for value in values(arg))]
    assert built == []


def test_every_app_declares_its_actions_with_a_chinese_label():
    declared = declared_actions()
    enums = {enum.__name__ for enum in _enums()}
    assert {"KernelAction", "EnterpriseAction", "AllianceAction", "PolicyAction", "ReviewAction",
            "RiskAction", "CultivationAction", "RoadshowAction"} <= enums
    for enum in _enums():
        for member in enum:
            assert declared[member.value] is enum
            assert code_label(member.value) == member.label
            assert not any("a" <= ch.lower() <= "z" for ch in member.label.replace("API", "")), member


def test_stored_action_names_did_not_change():
    # Stored entries, their hashes and their proofs carry these exact strings.
    from alliance.actions import AllianceAction
    from boards.enterprises.actions import EnterpriseAction
    from risksharing.actions import RiskAction

    assert AllianceAction.MATCHMAKING_PUSHED == "alliance.matchmaking.pushed"
    assert AllianceAction.INSTITUTIONQUALIFICATION_SAVED == "alliance.institutionqualification.saved"
    assert EnterpriseAction.ENTERPRISE_TIER_ADMISSION == "boards.enterprise.tier_admission"
    assert EnterpriseAction.APPLICATION_FORWARDED == "boards.application.forwarded"
    assert RiskAction.CASE_OPENED == "risksharing.case.opened"
    assert len(declared_actions()) >= 186


def test_record_stores_the_plain_value(in_board):
    from reviews.actions import ReviewAction

    entry = evidence.record(in_board, ReviewAction.CASE_OPENED)
    stored = EvidenceEntry.objects.get(pk=entry.pk)
    assert type(stored.action) is str and stored.action == "reviews.case.opened"


def test_declaring_a_malformed_or_an_already_declared_action_is_refused():
    class Malformed(EvidenceAction):
        BAD = "reviews.decided", "坏的"

    class Twice(EvidenceAction):
        OPENED = "reviews.case.opened", "重复"

    with pytest.raises(ValueError, match="app.subject.verb"):
        declare_actions(Malformed)
    with pytest.raises(ValueError, match="ReviewAction and Twice"):
        declare_actions(Twice)
    assert "reviews.decided" not in declared_actions()
    assert declared_actions()["reviews.case.opened"].__name__ == "ReviewAction"


@pytest.mark.timeout(900)
def test_every_action_the_demo_records_is_declared(db, settings):
    settings.DEBUG = True
    call_command("seed_demo")
    recorded = set()
    for board in Board.objects.all():
        with board_scope(board):
            recorded |= set(EvidenceEntry.objects.values_list("action", flat=True).distinct())
    assert recorded - set(declared_actions()) == set()
    # The demo exercises every app, so the check covers each one's actions.
    assert {action.split(".")[0] for action in recorded} >= {"boards", "alliance", "policies", "reviews",
                                                            "risksharing", "cultivation"}
