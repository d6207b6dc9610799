"""List floors kept as a log of changes instead of one value per version.

An incremental update rewrote every list's floor of its version to change a few dozen; now it appends the ones it
changed, and a worker reads only the changes since its last. Each version's floors become its first change.
"""

import django.db.models.deletion
import numpy as np
from django.db import migrations, models

# One (cluster id, floor) pair per list, as the engine writes them; a NaN floor removes the list's.
ENTRY = np.dtype([("cluster_id", "<i8"), ("floor", "<f8")])


def floors_to_changes(apps, schema_editor):
    Floors = apps.get_model("clusters", "MatchingListFloors")
    Change = apps.get_model("clusters", "MatchingListFloorsChange")
    for floors in Floors.objects.order_by("version_id").iterator():
        Change.objects.create(version_id=floors.version_id, data=bytes(floors.data))


def changes_to_floors(apps, schema_editor):
    Floors = apps.get_model("clusters", "MatchingListFloors")
    Change = apps.get_model("clusters", "MatchingListFloorsChange")
    current: dict[int, dict[int, float]] = {}
    for change in Change.objects.order_by("version_id", "id").iterator():
        floors = current.setdefault(change.version_id, {})
        for cluster_id, floor in np.frombuffer(bytes(change.data), dtype=ENTRY).tolist():
            if np.isnan(floor):
                floors.pop(cluster_id, None)
            else:
                floors[cluster_id] = floor
    for version_id, floors in current.items():
        entries = np.array(sorted(floors.items()), dtype=ENTRY)
        Floors.objects.create(version_id=version_id, data=entries.tobytes())


class Migration(migrations.Migration):

    dependencies = [
        ("clusters", "0006_matching_list_floors"),
    ]

    operations = [
        migrations.CreateModel(
            name="MatchingListFloorsChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("data", models.BinaryField(editable=False, verbose_name="list floors")),
                (
                    "version",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="clusters.matchingindexversion",
                    ),
                ),
            ],
            options={
                "verbose_name": "change to the list floors of a matching index version",
                "verbose_name_plural": "changes to the list floors of matching index versions",
                "ordering": ["version", "id"],
                "indexes": [models.Index(fields=["version", "id"], name="matching_floors_by_version")],
            },
        ),
        migrations.RunPython(floors_to_changes, changes_to_floors),
        migrations.DeleteModel(name="MatchingListFloors"),
        # Named as the old model's reverse accessor only once that model is gone.
        migrations.AlterField(
            model_name="matchinglistfloorschange",
            name="version",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="list_floors",
                to="clusters.matchingindexversion",
            ),
        ),
    ]
