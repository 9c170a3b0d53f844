from django.db import migrations


def create_index(apps, schema_editor):
    from govopen_wagtail.search import dbindex

    dbindex.ensure(schema_editor.connection)


def drop_index(apps, schema_editor):
    from govopen_wagtail.search import dbindex

    dbindex.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("govopen_wagtail", "0015_annual_report")]

    operations = [migrations.RunPython(create_index, drop_index, elidable=False)]
