"""Registers the resource library's admin: the download gate, the reports in resources/admin/."""

from django.contrib.auth.views import redirect_to_login
from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from members.access import StaffAction, can_download_document, staff_can

from .admin import views as admin_views
from .services import download_log_create, resource_for_document, unpublished_resource_decision


# --- gated downloads ----------------------------------------------------------------------
# order=1: Wagtail's own collection-privacy hook (order 0) runs first, so a download is logged only when served.
@hooks.register("before_serve_document", order=1)
def gate_document_download(document, request):
    """Apply the access of the pages that use this document; log what is served."""
    from .views import download_refused

    decision = can_download_document(request.user, document)
    if decision is None:
        decision = unpublished_resource_decision(user=request.user, document=document)
    if decision is None:
        return None  # No resource or gated page uses it: the collection's privacy settings decide.
    if not decision:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return download_refused(request, decision=decision, resource=resource_for_document(document=document))
    download_log_create(user=request.user, document=document)
    return None


# --- staff reports (resources/admin/) ------------------------------------------------------
@hooks.register("register_admin_urls")
def register_report_urls():
    urls = []
    for prefix, name, view in (
        ("reports/resource-downloads/", "resources_downloads_report", admin_views.DownloadTotalsReportView),
        ("reports/download-log/", "resources_download_log", admin_views.DownloadLogReportView),
        ("reports/library-searches/", "resources_search_terms_report", admin_views.SearchTermsReportView),
    ):
        urls.append(path(prefix, view.as_view(), name=name))
        urls.append(path(f"{prefix}results/", view.as_view(results_only=True), name=f"{name}_results"))
    return urls


class ReportMenuItem(MenuItem):
    def is_shown(self, request):
        return staff_can(request.user, StaffAction.DOWNLOAD_REPORTS)


@hooks.register("register_reports_menu_item")
def register_downloads_report_menu_item():
    return ReportMenuItem("Resource downloads", reverse("resources_downloads_report"), icon_name="download", order=700)


@hooks.register("register_reports_menu_item")
def register_download_log_menu_item():
    return ReportMenuItem("Download log", reverse("resources_download_log"), icon_name="list-ul", order=705)


@hooks.register("register_reports_menu_item")
def register_search_terms_menu_item():
    return ReportMenuItem("Library searches", reverse("resources_search_terms_report"), icon_name="search", order=710)
