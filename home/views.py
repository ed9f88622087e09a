from django.core.paginator import Paginator
from django.shortcuts import render

from .selectors import site_search


def login_elsewhere(request):
    """Wagtail's own login forms (admin, private pages) send people to the one login: allauth's.

    Nothing posted here is ever checked as a password; the `next` address is kept when it is safe.
    """
    from django.conf import settings
    from django.http import HttpResponseRedirect
    from django.shortcuts import resolve_url
    from django.utils.http import url_has_allowed_host_and_scheme, urlencode

    target = request.POST.get("next") or request.GET.get("next") or ""
    login_url = resolve_url(settings.LOGIN_URL)
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        login_url += "?" + urlencode({"next": target})
    # 303: a POSTed form is followed by a GET, so a password is never re-posted anywhere.
    response = HttpResponseRedirect(login_url)
    response.status_code = 303
    return response


def permission_denied(request, exception=None):
    return render(request, "403.html", {"message": str(exception) if exception else ""}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", {}, status=404)


def server_error(request):
    # No context processors that hit the database: the error may be the database.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render({}))


def search(request):
    """Site-wide search across every published page (home.selectors.site_search), ten a page."""
    query = " ".join(request.GET.get("q", "").split())[:200]
    results = site_search(query=query, user=request.user) if query else []
    page_obj = Paginator(results, 10).get_page(request.GET.get("page"))
    return render(request, "home/search.html", {"query": query, "page_obj": page_obj})
