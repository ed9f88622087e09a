"""The first line of the input-cleaning layer: requests carrying NUL bytes get a 400.

No text field, path segment or search term of ours may contain NUL; PostgreSQL refuses it
outright (a 500 if it reached a query) and nobody types one. Uploaded file bodies are not
looked at: binary files legitimately contain NUL bytes.
"""

from urllib.parse import unquote

from django.http import HttpResponseBadRequest

from .params import has_nul


def _querydict_has_nul(querydict) -> bool:
    for key, values in querydict.lists():
        if has_nul(key) or any(has_nul(v) for v in values):
            return True
    return False


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request.path) or has_nul(unquote(request.META.get("QUERY_STRING", ""))):
            return HttpResponseBadRequest("The address contains a character that is not allowed.")
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            if _querydict_has_nul(request.POST):
                return HttpResponseBadRequest("The form contains a character that is not allowed.")
        return self.get_response(request)
