"""Workbooks for the XLSX import tests (tests/boards/ and tests/security/)."""

import io
import random

from openpyxl import Workbook

from boards.kernel.uscc import make_uscc

CODES = [make_uscc(random.Random(f"import:{n}"), "650104") for n in range(4)]
ENTERPRISE_HEADERS = ["统一社会信用代码", "企业名称", "所在地州市", "所属行业", "注册资本（元）",
                      "成立日期", "具备上市潜力或明确上市规划"]
TIANCHI = [CODES[0], "新疆天池软件有限公司", "乌鲁木齐市", "软件技术"]
RUIFENG = [CODES[2], "克拉玛依瑞丰石油装备有限公司", "克拉玛依市", "石油装备"]


def xlsx(headers, *rows):
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "企业名单.xlsx"
    return out


def clean_enterprises():
    return xlsx(ENTERPRISE_HEADERS,
                [*TIANCHI, "5,000,000", "2015-04-01", "是"],
                [CODES[3], "新疆博达光伏科技有限公司", "哈密市", "光伏科技", 8000000, "2016/05/01", "否"],
                [None, None, None, None, None, None, None],  # a blank row is skipped, not an error
                [CODES[1], "昌吉汇通新材料有限公司", "昌吉回族自治州", "硅基新材料", "1000000.50", None,
                 None],
                [*RUIFENG, None, "2019年3月8日", "是"])
