import os

from django.conf import settings
from django.http import HttpResponse
from django.conf.urls.static import static
from django.contrib.staticfiles.urls import staticfiles_urlpatterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls
from demo.views import switch_language

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/switch/", switch_language, name="demo_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("captcha/", include("captcha.urls")),
]

if settings.DEBUG:
    urlpatterns += staticfiles_urlpatterns()
    # Images only: document files go through Wagtail's serve view, which
    # keeps attachments of restricted pages restricted (never expose
    # MEDIA_ROOT/documents on a production web server either).
    for folder in ("images", "original_images"):
        urlpatterns += static(f"{settings.MEDIA_URL}{folder}/", document_root=f"{settings.MEDIA_ROOT}/{folder}")

if os.environ.get("GOVOPEN_BENCH_CACHE_MIDDLEWARE") == "1":
    # bench/pages.py: the cheapest Django answer, to compare a cached page with.
    urlpatterns += [path("bench/bare/", lambda request: HttpResponse("ok"))]

urlpatterns += [path("", include(wagtail_urls))]
