"""Admin hooks for home pages. The taxonomy snippets are registered by resources/wagtail_hooks.py."""
