"""Thin views: My library, save / unsave, and the page shown when a download is refused."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.params import safe_next

from .models import ResourcePage
from .selectors import library_page, reason_label, recent_downloads, saved_resources
from .services import resource_save, resource_unsave


def _back(request, resource: ResourcePage) -> str:
    """Where to return after saving: the page the form was on, if it is ours."""
    # A path on this site or the resource itself; never reverse() what the visitor sent ("next=home").
    return safe_next(request, request.POST.get("next"), default=resource.url or "/")


def _live_resource(page_id: int) -> ResourcePage:
    return get_object_or_404(ResourcePage.objects.live().public(), pk=page_id)


@require_POST
def save(request, page_id: int):
    resource = _live_resource(page_id)
    if not request.user.is_authenticated:
        # A sign-in round trip cannot replay a POST, so come back to the resource itself.
        return redirect_to_login(resource.url)
    resource_save(user=request.user, resource=resource)
    messages.success(request, f"Saved “{resource.title}” to My library.")
    return redirect(_back(request, resource))


@require_POST
def unsave(request, page_id: int):
    resource = _live_resource(page_id)
    if not request.user.is_authenticated:
        return redirect_to_login(resource.url)
    if resource_unsave(user=request.user, resource=resource):
        messages.success(request, f"Removed “{resource.title}” from My library.")
    return redirect(_back(request, resource))


@login_required
def my_library(request):
    return render(
        request,
        "resources/my_library.html",
        {
            "saved": saved_resources(user=request.user),
            "downloads": recent_downloads(user=request.user, limit=10),
            "library_url": getattr(library_page(), "url", ""),
        },
    )


def download_refused(request, *, decision, resource: ResourcePage | None):
    """A signed-in teacher may not download this file: say why and how to get access (403)."""
    return render(
        request,
        "resources/download_refused.html",
        {"decision": decision, "reason_label": reason_label(decision), "resource": resource},
        status=403,
    )
