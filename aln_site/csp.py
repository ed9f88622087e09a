"""Content-Security-Policy (django-csp 4): strict on the public site, what Wagtail's admin needs in the admin.

The policy itself is settings.CONTENT_SECURITY_POLICY. Public pages run no inline script (our
templates load every script from /static/), so `script-src 'self'` holds there. Wagtail's admin
still renders a few inline scripts (date widgets, inline panels), so the admin surfaces alone
add 'unsafe-inline' for scripts.
"""

from csp.constants import SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware

ADMIN_PATH_PREFIXES = ("/admin/", "/django-admin/")
ADMIN_SCRIPT_SRC = [SELF, UNSAFE_INLINE]


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp's middleware with one exception: the admin surfaces may run Wagtail's inline scripts."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith(ADMIN_PATH_PREFIXES):
            parts.replace = {**(parts.replace or {}), "script-src": ADMIN_SCRIPT_SRC}
        return parts
