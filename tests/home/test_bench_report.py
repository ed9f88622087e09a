"""`make bench` rewrites its own part of docs/performance.md and keeps the analysis written by hand."""

from home.management.commands.bench import END, START, _write_report


def test_the_generated_part_is_replaced_and_the_rest_kept(tmp_path):
    report = tmp_path / "performance.md"
    _write_report(report, "# Performance\nfirst run\n")
    report.write_text(report.read_text() + "\n## Where the time goes\nwritten by hand\n")

    _write_report(report, "# Performance\nsecond run\n")

    text = report.read_text()
    assert "second run" in text and "first run" not in text
    assert text.index(START) < text.index("second run") < text.index(END) < text.index("written by hand")
