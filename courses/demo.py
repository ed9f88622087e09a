"""Demo content for courses; the courses app fills this in."""


def seed(*, stdout) -> None:
    pass
