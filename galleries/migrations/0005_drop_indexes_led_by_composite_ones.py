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

# (table, column, the index Django named for the foreign key)
REDUNDANT_INDEXES = [
    ("galleries_gallery", "resource_group_id", "galleries_gallery_resource_group_id_bb9782d1"),
    ("galleries_gallery", "subscription_id", "galleries_gallery_subscription_id_d2b91398"),
    ("galleries_galleryimage", "gallery_id", "galleries_galleryimage_gallery_id_af12d3f5"),
    (
        "galleries_galleryimage",
        "subscription_id",
        "galleries_galleryimage_subscription_id_f7375b31",
    ),
    ("galleries_imageversion", "image_id", "galleries_imageversion_image_id_51c08783"),
    (
        "galleries_imageversion",
        "subscription_id",
        "galleries_imageversion_subscription_id_f5647625",
    ),
    (
        "galleries_resourcegroup",
        "subscription_id",
        "galleries_resourcegroup_subscription_id_573f522f",
    ),
    ("galleries_subnet", "subscription_id", "galleries_subnet_subscription_id_2f954c28"),
    ("galleries_subnet", "virtual_network_id", "galleries_subnet_virtual_network_id_74cbb078"),
    ("galleries_versionregion", "version_id", "galleries_versionregion_version_id_535483cf"),
    (
        "galleries_virtualnetwork",
        "subscription_id",
        "galleries_virtualnetwork_subscription_id_56f623a9",
    ),
]


class Migration(migrations.Migration):
    dependencies = [
        ("galleries", "0004_image_tags_virtual_networks_and_search_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{index}"',
                    reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
                )
                for table, column, index in REDUNDANT_INDEXES
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="gallery",
                    name="resource_group",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="galleries",
                        to="galleries.resourcegroup",
                    ),
                ),
                migrations.AlterField(
                    model_name="gallery",
                    name="subscription",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="galleries.connectedsubscription",
                    ),
                ),
                migrations.AlterField(
                    model_name="galleryimage",
                    name="gallery",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="images",
                        to="galleries.gallery",
                    ),
                ),
                migrations.AlterField(
                    model_name="galleryimage",
                    name="subscription",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="galleries.connectedsubscription",
                    ),
                ),
                migrations.AlterField(
                    model_name="imageversion",
                    name="image",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="versions",
                        to="galleries.galleryimage",
                    ),
                ),
                migrations.AlterField(
                    model_name="imageversion",
                    name="subscription",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="galleries.connectedsubscription",
                    ),
                ),
                migrations.AlterField(
                    model_name="resourcegroup",
                    name="subscription",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="galleries.connectedsubscription",
                    ),
                ),
                migrations.AlterField(
                    model_name="subnet",
                    name="subscription",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="galleries.connectedsubscription",
                    ),
                ),
                migrations.AlterField(
                    model_name="subnet",
                    name="virtual_network",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="subnets",
                        to="galleries.virtualnetwork",
                    ),
                ),
                migrations.AlterField(
                    model_name="versionregion",
                    name="version",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="regions",
                        to="galleries.imageversion",
                    ),
                ),
                migrations.AlterField(
                    model_name="virtualnetwork",
                    name="subscription",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        to="galleries.connectedsubscription",
                    ),
                ),
            ],
        ),
    ]
