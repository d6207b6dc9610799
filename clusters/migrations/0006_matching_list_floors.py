"""Entry floors of the matching lists, and the engine state stored without compression.

The state is megabytes of floating-point arrays that compression barely shrinks: PostgreSQL's attempt cost more
than half of writing it.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('clusters', '0005_partition_partner_suggestions'),
    ]

    operations = [
        migrations.CreateModel(
            name='MatchingListFloors',
            fields=[
                ('version', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='list_floors', serialize=False, to='clusters.matchingindexversion')),
                ('data', models.BinaryField(verbose_name='list floors')),
            ],
            options={
                'verbose_name': 'list floors of a matching index version',
                'verbose_name_plural': 'list floors of matching index versions',
            },
        ),
        migrations.AddField(
            model_name='matchingindexchunk',
            name='floors',
            field=models.BinaryField(blank=True, null=True, verbose_name='list floors'),
        ),
        migrations.RunSQL(
            "ALTER TABLE clusters_matchingindexversion ALTER COLUMN state SET STORAGE EXTERNAL",
            "ALTER TABLE clusters_matchingindexversion ALTER COLUMN state SET STORAGE EXTENDED",
        ),
    ]
