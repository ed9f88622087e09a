"""The request id django-structlog binds for each request, echoed back to the client and the access log."""

import structlog


class RequestIdResponseMiddleware:
    """Put after django_structlog's RequestMiddleware: sets X-Request-ID on every response.

    The load balancer's X-Request-ID is trusted (DJANGO_STRUCTLOG_TRUST_UPSTREAM_REQUEST_ID), so one id
    follows a request from the balancer through gunicorn's access log, Django's logs and the Celery tasks the
    request enqueued (django-structlog passes it in the task headers).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        request_id = structlog.contextvars.get_contextvars().get("request_id")
        if request_id and not response.has_header("X-Request-ID"):
            response["X-Request-ID"] = request_id
        return response
