"""The review form as a Word document (python-docx): the expert prints, signs and scans it."""

import io

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from reviews.models import Vote


def review_form_docx(seat, opinion=None):
    """The case's configured form, filled with ``opinion``'s draft when there is one."""
    case, spec = seat.case, seat.case.rules["form"]
    data = opinion.form_data if opinion else {}
    document = Document()
    title = document.add_heading(spec["title"].strip("《》"), level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(f"{case.board.name_zh} · {case.rules['name']} · 案件编号 {case.pk}")
    info = document.add_table(rows=0, cols=2)
    info.style = "Table Grid"
    rows = (("企业名称", case.enterprise.name), ("统一社会信用代码", case.enterprise.credit_code),
            ("评审专家", seat.expert.name), ("专业领域", seat.expert.get_field_display()))
    for label, value in rows:
        cells = info.add_row().cells
        cells[0].text, cells[1].text = label, value
    document.add_paragraph()
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "评审项目", "评分/意见"
    for field in spec["fields"]:
        label = f"{field['label']}（满分 {field['max']} 分）" if field["type"] == "score" else field["label"]
        value = data.get(field["key"])
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, "" if value is None else str(value)
    cells = table.add_row().cells
    cells[0].text, cells[1].text = "总分", str(opinion.total_score) if opinion else ""
    vote = dict(Vote.choices).get(opinion.vote if opinion else "", "")
    choices = "    ".join(f"{'☑' if label == vote else '☐'} {label}" for label in dict(Vote.choices).values())
    cells = table.add_row().cells
    cells[0].text, cells[1].text = "表决意见", choices
    document.add_paragraph()
    document.add_paragraph("专家签名：____________________        日期：______年____月____日")
    document.add_paragraph(f"（本表由专家评审平台于 {timezone.localtime():%Y-%m-%d %H:%M} 生成，"
                           "签字后请拍照或扫描上传。）")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
