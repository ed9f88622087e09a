"""members.access asks the feature apps through registered entitlement providers, never by importing them."""

import ast
from pathlib import Path

import pytest

from members import access

pytestmark = pytest.mark.django_db


def test_access_imports_no_feature_app():
    tree = ast.parse(Path(access.__file__).read_text())
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {name for name in imported if name.split(".")[0] in {"courses", "events", "resources", "learning"}}
    assert 'apps.get_model("courses"' not in Path(access.__file__).read_text()


def test_the_feature_apps_registered_their_providers():
    assert access.provider(access.ENROLLMENTS) is not None
    assert access.provider(access.ENROLLED_COURSES) is not None
    assert access.provider(access.CONFIRMED_EVENTS) is not None


def test_without_a_provider_nothing_is_held(monkeypatch, user):
    monkeypatch.setattr(access, "_providers", {})
    ent = access.Entitlements(user)
    assert ent.enrollments == {} and ent.confirmed_event_ids == frozenset()


def test_a_registered_provider_decides_what_is_held(monkeypatch, user):
    monkeypatch.setattr(access, "_providers", {})
    access.register_provider(access.CONFIRMED_EVENTS, lambda u: [41, 42] if u == user else [])
    assert access.Entitlements(user).confirmed_event_ids == frozenset({41, 42})
