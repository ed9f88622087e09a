from django.utils.cache import patch_cache_control


class PrivateDocumentsMiddleware:
    """Downloads depend on who asks: no shared cache or CDN may keep a member's file for the next visitor."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith("/documents/"):
            patch_cache_control(response, private=True, no_cache=True)
            response["Vary"] = "Cookie"
        return response
