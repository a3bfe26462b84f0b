"""The page's bar charts: a suppressed value draws no bar, since its length would tell the number."""

from __future__ import annotations

from services.reporting.web.reports import BAR_AREA, LABEL_WIDTH, chart, words


def test_bars_are_scaled_to_the_largest_shown_value_and_a_suppressed_one_draws_nothing():
    drawn = chart("volume", "Referrals by source", [("Police", 10), ("Self", "<5"), ("Court", 5), ("Prison", 0)])
    assert [(b["label"], b["width"], b["text"]) for b in drawn["bars"]] == [
        ("Police", BAR_AREA, "10"), ("Self", 0, "<5"), ("Court", BAR_AREA / 2, "5"), ("Prison", 0, "0")]
    assert drawn["id"] == "chart-volume" and drawn["reference"] is None


def test_a_percentage_chart_has_a_fixed_scale_and_its_benchmark_line():
    drawn = chart("outcomes", "Outcomes", [("Satisfied", 90.0), ("Feels safer", "suppressed")], "%",
                  reference=85.0, scale=100.0)
    assert [b["text"] for b in drawn["bars"]] == ["90.0%", "suppressed"]
    assert drawn["reference"] == {"x": LABEL_WIDTH + BAR_AREA * 0.85, "text": "85.0%"}


def test_recorded_values_are_shown_in_words():
    assert words("victims_first_hub") == "Victims first hub" and words("police") == "Police"
