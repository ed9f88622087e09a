from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from home import views as home_views
from learning import urls as learning_urls
from members import urls as members_urls

# One door in: every sign-in goes through allauth (/accounts/login/), so two-factor authentication,
# e-mail verification and allauth's rate limits apply to all of them. Wagtail's admin login and its
# front-end login for private pages are replaced by redirects; Django's admin login is allauth's.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", include("core.urls")),
    path(f"{settings.WAGTAIL_ADMIN_PATH}login/", home_views.login_elsewhere, name="wagtailadmin_login_redirect"),
    path("_util/login/", home_views.login_elsewhere, name="wagtailcore_login_redirect"),
    path(settings.WAGTAIL_ADMIN_PATH, include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    # My learning, transcripts and district dashboards moved to `learning` under their `members:` names.
    path("", include((members_urls.urlpatterns + learning_urls.urlpatterns, members_urls.app_name))),
    path("", include("courses.urls")),
    path("", include("resources.urls")),
    path("", include("events.urls")),
    path("", include("inquiry.urls")),
    path("", include("home.urls")),
]

if settings.DJANGO_ADMIN_ENABLED:
    # Off in production (DJANGO_ADMIN_ENABLED); elsewhere guarded by allauth's login and the staff MFA rule.
    urlpatterns.insert(0, path(settings.DJANGO_ADMIN_PATH, admin.site.urls))

if settings.DEBUG:
    from django.conf.urls.static import static

    # Only images are served from disk; documents always go through the gated serve view.
    for folder in ("images", "original_images"):
        urlpatterns += static(f"{settings.MEDIA_URL}{folder}/", document_root=settings.MEDIA_ROOT / folder)

urlpatterns.append(path("", include(wagtail_urls)))

handler403 = home_views.permission_denied
handler404 = home_views.page_not_found
handler500 = home_views.server_error
