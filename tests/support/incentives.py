"""Helpers of the equity-incentive tests, shared with other folders (the fixtures stay in
tests/incentives/conftest.py)."""

import datetime as dt
from decimal import Decimal

from boards.enterprises.services import incentives
from boards.kernel.scoping import board_scope

BASIS = "《非上市公众公司监管指引第 6 号—股权激励和员工持股计划的监管要求（试行）》"
SUMMARY = "激励对象：核心技术人员；归属条件：年度营业收入增长不低于 10%；解锁前不得转让。"


def plan(w, kind="option", **kwargs):
    values = {
        "name": "2024年股票期权激励计划",
        "kind": kind,
        "source": w.founder,
        "pool_shares": Decimal("1000000"),
        "vesting_years": 3,
        "approved_on": dt.date(2024, 5, 10),
        "summary": SUMMARY,
        "basis": BASIS,
        "actor": w.staff,
        "exercise_price": Decimal("3.50") if kind == "option" else None,
        **kwargs,
    }
    with board_scope(w.board):
        return incentives.register_plan(w.enterprise, **values)
