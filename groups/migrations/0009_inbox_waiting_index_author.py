# The author last in the newest-first index of waiting changes: SQLite skips a user's own
# changes from the index entry, without reading their rows ("waiting for me").
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("groups", "0008_inbox_open_state_indexes")]

    operations = [
        migrations.RemoveIndex(model_name="changerequest", name="change_waiting_newest"),
        migrations.AddIndex(
            model_name="changerequest",
            index=models.Index(
                fields=["organization", "in_waiting_state", "-updated_at", "-id", "author"],
                name="change_waiting_newest",
            ),
        ),
    ]
