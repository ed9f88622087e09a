from django.shortcuts import render

from courses.models import LessonPage
from courses.selectors import lesson_ids_hidden_from


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


SEARCH_RESULTS_MAX = 200


def search(request):
    """Site-wide search across every published page, matching only text this visitor may read.

    Lessons the visitor cannot open are matched on their title and summary (shown in every
    course outline), never on their body: otherwise the search would answer "is this word in
    the members' lesson?".
    """
    from django.core.paginator import Paginator
    from wagtail.models import Page

    query = request.GET.get("q", "").strip()[:200]
    results = []
    if query:
        hidden = lesson_ids_hidden_from(user=request.user)
        readable = Page.objects.live().public().exclude(pk__in=hidden).specific().search(query)
        results = list(readable[:SEARCH_RESULTS_MAX])
        if hidden:
            outline_only = LessonPage.objects.live().public().filter(pk__in=hidden)
            seen = {p.pk for p in results}
            results += [
                p
                for p in outline_only.search(query, fields=["title", "summary"])[:SEARCH_RESULTS_MAX]
                if p.pk not in seen
            ]
    page_obj = Paginator(results, 10).get_page(request.GET.get("page"))
    return render(request, "home/search.html", {"query": query, "page_obj": page_obj})
