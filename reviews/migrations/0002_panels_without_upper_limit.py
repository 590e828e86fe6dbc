"""优选层 and 上市企业后备库 panels: "不少于5名专家", no upper limit. Boards that still carry the
old invented default of 9 get null (no limit); a board that chose another cap keeps it."""

from django.db import migrations

OLD_DEFAULT_MAX = 9


def lift_the_cap(apps, schema_editor):
    Board = apps.get_model("boards", "Board")
    for board in Board.objects.all():
        reviews = (board.config or {}).get("reviews") or {}
        changed = False
        for kind in ("premium", "listing_reserve"):
            rules = reviews.get(kind)
            if isinstance(rules, dict) and rules.get("panel_max") == OLD_DEFAULT_MAX:
                rules["panel_max"] = None
                changed = True
        if changed:
            board.save(update_fields=["config"])


class Migration(migrations.Migration):
    dependencies = [("reviews", "0001_initial"), ("boards", "0001_initial")]
    operations = [migrations.RunPython(lift_the_cap, migrations.RunPython.noop)]
