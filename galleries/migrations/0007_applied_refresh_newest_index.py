"""Index the applied runs of a subscription newest finish first: the inventory's age, which
every cascade fragment reads, is then the index's first entry instead of a sort of the
subscription's whole refresh history (on both databases; a partial index, so failed and
active runs are not in it).
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("galleries", "0006_inventory_rows_arm_written_at"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="refreshrun",
            index=models.Index(
                condition=models.Q(("status__in", ["succeeded", "partial"])),
                fields=["subscription", "-finished_at"],
                name="applied_refresh_newest",
            ),
        ),
    ]
