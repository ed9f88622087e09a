"""Backup and restore as docs/deploy.md says: pg_dump of a database with learning records, pg_restore into
a fresh database, and the same records are there."""

import shutil
import subprocess
import uuid

import psycopg
import pytest
from django.db import connection

from tests.conftest import require_service

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _learning_records(dsn: str) -> dict[str, list[tuple]]:
    from courses.models import Certificate, Enrollment, LessonCompletion, ReflectionResponse
    from members.models import User

    user = User._meta.db_table
    queries = {
        "enrollments": f"SELECT u.email, e.course_id, e.completed_at FROM {Enrollment._meta.db_table} e "
        f"JOIN {user} u ON u.id = e.user_id ORDER BY 1, 2",
        "completions": f"SELECT u.email, c.lesson_id, c.completed_at FROM {LessonCompletion._meta.db_table} c "
        f"JOIN {user} u ON u.id = c.user_id ORDER BY 1, 2",
        "reflections": f"SELECT u.email, r.block_id, r.text FROM {ReflectionResponse._meta.db_table} r "
        f"JOIN {user} u ON u.id = r.user_id ORDER BY 1, 2",
        "certificates": f"SELECT code, learner_name, course_title, pd_hours FROM {Certificate._meta.db_table} ORDER BY 1",
    }
    with psycopg.connect(dsn) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in queries.items()}


def test_pg_dump_then_pg_restore_into_a_fresh_database_keeps_learning_records(tmp_path):
    require_service("PostgreSQL", "127.0.0.1", 5432)
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://…")
    for tool in ("pg_dump", "pg_restore"):
        if shutil.which(tool) is None:
            pytest.fail(f"{tool} is not installed (apt-get install postgresql-client)")
    from courses.factories import CertificateFactory, LessonCompletionFactory, ReflectionResponseFactory

    completion = LessonCompletionFactory()
    ReflectionResponseFactory(user=completion.user, lesson=completion.lesson)
    CertificateFactory(user=completion.user, enrollment__user=completion.user, enrollment__course=completion.course)

    db = connection.settings_dict
    host, port, user = db["HOST"] or "127.0.0.1", str(db["PORT"] or 5432), db["USER"] or "postgres"
    source = f"postgresql://{user}@{host}:{port}/{db['NAME']}"
    before = _learning_records(source)
    assert all(before.values()), before  # every kind of record is there to lose

    dump = tmp_path / "aln.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source], check=True, capture_output=True
    )
    fresh = f"aln_restore_{uuid.uuid4().hex[:10]}"
    admin_dsn = f"postgresql://{user}@{host}:{port}/postgres"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{fresh}"')
    try:
        restored = f"postgresql://{user}@{host}:{port}/{fresh}"
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)],
            check=True,
            capture_output=True,
        )
        assert _learning_records(restored) == before
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{fresh}" WITH (FORCE)')
