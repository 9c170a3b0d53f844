"""Registration only: the admin pieces themselves live in ``admin/``."""

from wagtail import hooks
from wagtail_modeladmin.options import modeladmin_register

from .admin import GovopenAdminGroup
from .admin.panels import DisclosureAttentionPanel

modeladmin_register(GovopenAdminGroup)


@hooks.register("construct_homepage_panels")
def add_attention_panel(request, panels):
    panels.append(DisclosureAttentionPanel(request))
