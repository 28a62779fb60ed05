"""The gallery reference's columns take the shared vocabulary (Spot's names, snake_cased)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0003_repair_stored_text"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="group", name="groups_grou_image_a_0b33b8_idx"),
        migrations.RenameField("group", "image_account", "gallery_account"),
        migrations.RenameField("group", "image_resource_group", "gallery_resource_group_name"),
        migrations.RenameField("group", "image_gallery", "gallery_name"),
        migrations.AddIndex(
            model_name="group",
            index=models.Index(
                fields=["gallery_account", "gallery_resource_group_name", "gallery_name"],
                name="groups_grou_gallery_263fa5_idx",
            ),
        ),
    ]
