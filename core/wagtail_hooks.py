from wagtail import hooks

from .page_cache import mark_cacheable_page

hooks.register("before_serve_page", mark_cacheable_page)
