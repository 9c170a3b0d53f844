

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('govopen_wagtail', '0011_file_problems'),
        ('wagtailcore', '0097_baselogentry_uuid_action_timestamp_indexes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='catalogcategory',
            name='catalog',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='categories', to='govopen_wagtail.catalogpage', verbose_name='catalog'),
        ),
        migrations.AlterField(
            model_name='commentgroup',
            name='consultation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comment_groups', to='govopen_wagtail.consultationpage', verbose_name='consultation'),
        ),
        migrations.AlterField(
            model_name='consultationwindowrecord',
            name='consultation',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='window_records', to='govopen_wagtail.consultationpage', verbose_name='consultation'),
        ),
        migrations.AlterField(
            model_name='fileproblem',
            name='document',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='file_problems', to='govopen_wagtail.normativedocumentpage', verbose_name='document'),
        ),
        migrations.AlterField(
            model_name='historicalcommentgroup',
            name='consultation',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='govopen_wagtail.consultationpage', verbose_name='consultation'),
        ),
        migrations.AlterField(
            model_name='indexnumbercounter',
            name='site',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wagtailcore.site', verbose_name='site'),
        ),
        migrations.AlterField(
            model_name='indexnumberrecord',
            name='site',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='wagtailcore.site', verbose_name='site'),
        ),
    ]
