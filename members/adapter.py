from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings

from core.email import queue_message


class AccountAdapter(DefaultAccountAdapter):
    """Account e-mails go out through Celery like every other message."""

    def send_mail(self, template_prefix, email, context):
        from allauth.core import context as allauth_context
        from django.contrib.sites.shortcuts import get_current_site

        request = allauth_context.request
        # The site's name and address for the e-mail layout, as every other e-mail of the site has them.
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "site_name": settings.WAGTAIL_SITE_NAME,
            "site_url": settings.SITE_URL,
        }
        ctx.update(context)
        queue_message(self.render_mail(template_prefix, email, ctx))
