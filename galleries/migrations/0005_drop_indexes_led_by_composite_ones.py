"""Drop the single-column indexes of inventory foreign keys that a composite index or
unique constraint already leads with (e.g. imageversion(image_id) beside (image_id,
deleted_at, sort_key), versionregion(version_id) beside unique (version_id, region)): lookups
and cascades use the composite one, and a full refresh no longer inserts its rows into both.

Only the indexes are dropped (the same statement on SQLite and PostgreSQL): Django's own
AlterField would rebuild each table on SQLite and drop and re-validate each foreign key
constraint on PostgreSQL.
"""

import django.db.models.deletion
from django.db import migrations, models

# (model, foreign key, the model it points to, its related_name, the index Django named for it)
FOREIGN_KEYS = [
    ("gallery", "resource_group", "resourcegroup", "galleries", "bb9782d1"),
    ("gallery", "subscription", "connectedsubscription", None, "d2b91398"),
    ("galleryimage", "gallery", "gallery", "images", "af12d3f5"),
    ("galleryimage", "subscription", "connectedsubscription", None, "f7375b31"),
    ("imageversion", "image", "galleryimage", "versions", "51c08783"),
    ("imageversion", "subscription", "connectedsubscription", None, "f5647625"),
    ("resourcegroup", "subscription", "connectedsubscription", None, "573f522f"),
    ("subnet", "subscription", "connectedsubscription", None, "2f954c28"),
    ("subnet", "virtual_network", "virtualnetwork", "subnets", "74cbb078"),
    ("versionregion", "version", "imageversion", "regions", "535483cf"),
    ("virtualnetwork", "subscription", "connectedsubscription", None, "56f623a9"),
]


def _drop_index(model: str, field: str, suffix: str) -> migrations.RunSQL:
    table, column = f"galleries_{model}", f"{field}_id"
    index = f"{table}_{column}_{suffix}"
    return migrations.RunSQL(
        f'DROP INDEX IF EXISTS "{index}"',
        reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
    )


def _unindexed(model: str, field: str, to: str, related_name: str | None) -> migrations.AlterField:
    return migrations.AlterField(
        model_name=model,
        name=field,
        field=models.ForeignKey(
            db_index=False,
            on_delete=django.db.models.deletion.CASCADE,
            related_name=related_name,
            to=f"galleries.{to}",
        ),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("galleries", "0004_image_tags_virtual_networks_and_search_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                _drop_index(model, field, suffix) for model, field, _, _, suffix in FOREIGN_KEYS
            ],
            state_operations=[
                _unindexed(model, field, to, related)
                for model, field, to, related, _ in FOREIGN_KEYS
            ],
        ),
    ]
