"""The risksharing configuration section: defaults and every refused value named."""

import pytest
from django.core.exceptions import ValidationError

from boards.kernel.config import validate_board_config


def test_defaults_fill_the_section():
    section = validate_board_config({})["risksharing"]
    assert section["funder_answer_workdays"] == 5 and section["enterprise_answer_workdays"] == 5
    assert section["npl_tolerance_pp"] == "3"
    assert section["modes"]["2"]["funder_share_max"] == "10" and section["modes"]["1"]["lead_kind"] == \
        "productivity_centre"
    assert section["party_bodies"] == {"funder": "investment", "disposal": "risk_disposal",
                                       "firm": "professional"}


@pytest.mark.parametrize("days, ok", [(2, False), (3, True), (5, True), (6, False), ("4", False)])
def test_the_enterprise_answer_is_bound_to_3_to_5_working_days(days, ok):
    config = {"risksharing": {"enterprise_answer_workdays": days}}
    if ok:
        assert validate_board_config(config)["risksharing"]["enterprise_answer_workdays"] == days
    else:
        with pytest.raises(ValidationError, match="3–5"):
            validate_board_config(config)


@pytest.mark.parametrize("change, message", [
    ({"npl_tolerance_pp": 3}, "npl_tolerance_pp"),
    ({"npl_tolerance_pp": "-1"}, "npl_tolerance_pp"),
    ({"funder_answer_workdays": 0}, "funder_answer_workdays"),
    ({"fund": {"low_balance_alert": "abc"}}, "low_balance_alert"),
    ({"modes": {}}, "modes"),
    ({"modes": {"2": {"name": "x", "lead_kind": "nope", "co_guarantors": True, "funder_share_min": "0",
                      "funder_share_max": "10"}}}, "lead_kind"),
    ({"modes": {"2": {"name": "x", "lead_kind": "reguarantee", "co_guarantors": True,
                      "funder_share_min": "20", "funder_share_max": "10"}}}, "不能大于"),
    ({"modes": {"2": {"name": "x", "lead_kind": "reguarantee", "co_guarantors": True,
                      "funder_share_min": "0", "funder_share_max": "10.555"}}}, "funder_share_max"),
    ({"party_bodies": {"funder": "investment", "firm": "professional"}}, "恰好包含"),
    ({"party_bodies": {"funder": "investment", "disposal": "risk_disposal", "firm": "professional",
                       "enhancer": "investment"}}, "恰好包含"),
    ({"party_bodies": {"funder": "bank_club", "disposal": "risk_disposal", "firm": "professional"}},
     r"party_bodies\.funder 必须是联合会代码之一"),
    ({"unknown": 1}, "未知配置项"),
])
def test_invalid_values_are_named(change, message):
    with pytest.raises(ValidationError, match=message):
        validate_board_config({"risksharing": change})
