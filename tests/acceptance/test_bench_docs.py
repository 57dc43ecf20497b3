"""`make bench` rewrites only its own sections of docs/benchmarks.md (scripts/bench_provider.py)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def bench_module():
    spec = importlib.util.spec_from_file_location("bench_provider", REPO / "scripts" / "bench_provider.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_a_generated_section_is_replaced_and_hand_written_ones_are_kept():
    bench = bench_module()
    before = (
        "# Benchmarks\n\nIntro by hand.\n\n"
        "<!-- bench:begin summary -->\nold figures\n<!-- bench:end summary -->\n\n"
        "## Fuzzing\n\nWritten by hand, with a <!-- comment -->.\n\n"
        "<!-- bench:begin scale -->\nold table\n<!-- bench:end scale -->\n\n## Breakdown\n\nBy hand too.\n"
    )
    after = bench.replace_section(before, "summary", "new figures\n")
    assert after == before.replace("old figures", "new figures")
    after = bench.replace_section(after, "scale", "new table")
    assert "old table" not in after and "new table" in after
    kept = ("Intro by hand.", "## Fuzzing\n\nWritten by hand, with a <!-- comment -->.", "## Breakdown\n\nBy hand too.")
    assert all(k in after for k in kept)


def test_a_missing_section_is_appended_once():
    bench = bench_module()
    text = bench.replace_section("# Benchmarks\n\nBy hand.\n", "scale", "table")
    assert text == "# Benchmarks\n\nBy hand.\n\n<!-- bench:begin scale -->\ntable\n<!-- bench:end scale -->\n"
    assert bench.replace_section(text, "scale", "table") == text


def fake_results(bench):
    """Figures shaped like a real run's, for writing the page without running the benchmark."""
    startup = {"median_ms": 1.25, "p90_ms": 1.5, "rss_max_mib": 6.3}
    cycle = {"pairs": 2, "provider_ms": [150.0, 140.0, 190.0], "builtin_ms": [80.0, 77.0, 79.0],
             "provider_cycle_ms": 480.0, "builtin_cycle_ms": 236.0, "ratio": 2.03, "ratio_range": (1.9, 2.1),
             "rss_kib": 9500, "processes": 12}
    unpaced = dict(cycle, ratio=1.51, ratio_range=(1.4, 1.6))
    scale = [bench.ScaleRow(n, limit, n / 20, 0.5, n + 1, 1, 0, 0.1 * n, 0.05 * n, 9000)
             for n in (10, 100) for limit in (bench.SANDBOX_LIMIT, 0)]
    calls = {"n": 150, "apply": 151, "plan": 1}
    mixed = {"resources": 300, "apply_s": 16.0, "calls": 451, "throttled": 0, "builtin_apply_s": 0.6,
             "floor_s": 451 / 30, "ratio": 15.4 / (451 / 30)}
    return "1.15.5", startup, cycle, unpaced, scale, calls, mixed, bench.QUICK


def test_writing_the_page_keeps_hand_written_sections_and_draws_the_plot(tmp_path):
    bench = bench_module()
    doc, png = tmp_path / "benchmarks.md", tmp_path / "scale.png"
    by_hand = ("# Benchmarks\n\nIntro by hand.\n\n<!-- bench:begin summary -->\nold summary\n"
               "<!-- bench:end summary -->\n\n## Where a provider process's time goes\n\n| phase | ms |\n|---|---|\n"
               "| exec | 0.7 |\n\n<!-- bench:begin scale -->\nold scale\n<!-- bench:end scale -->\n\n"
               "## Fuzzing\n\nFigures by hand.\n")
    doc.write_text(by_hand)
    for _ in range(2):  # a second run replaces the first one's sections, it does not add to them
        bench.write_docs(*fake_results(bench), doc=doc, plot_path=png)
    text = doc.read_text()
    assert "old summary" not in text and "old scale" not in text
    for name in ("summary", "scale"):
        assert text.count(f"<!-- bench:begin {name} -->") == 1 and text.count(f"<!-- bench:end {name} -->") == 1
    assert "| cycle ratio to the floor, median of 2 pairs (range) | 2.03x (1.90-2.10) | <= 1.25x | NOT MET |" in text
    assert "| 429 answers, apply of 300 resources (defaults, --rate-limit 30) | 0 | 0 | met |" in text
    assert "| 100 | --rate-limit 30 |" in text and f"]({png.name})" in text
    outside = bench.replace_section(bench.replace_section(text, "summary", ""), "scale", "")
    assert outside == bench.replace_section(bench.replace_section(by_hand, "summary", ""), "scale", "")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_committed_page_has_every_generated_section_and_the_plot():
    bench = bench_module()
    text = bench.DOC.read_text()
    assert "## Where a provider process's time goes" in text  # the hand-written breakdown
    for name in ("summary", "scale"):
        assert text.count(f"<!-- bench:begin {name} -->") == 1, name
        assert text.count(f"<!-- bench:end {name} -->") == 1, name
    assert bench.PLOT.name in text
    assert bench.PLOT.exists() and bench.PLOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
