from datetime import date, datetime, timezone
from decimal import Decimal

from pipeline.render.format import clean_text, dato, kind_label, kroner, maaneder, status_label, tidspunkt


def plain(s: str) -> str:
    return s.replace("\xa0", " ")


def test_whole_kroner_have_no_ore_and_group_thousands():
    assert plain(kroner(Decimal("240000"))) == "240 000 kr"


def test_kroner_show_ore_with_decimal_comma_when_not_whole():
    assert plain(kroner(Decimal("1032.75"))) == "1 032,75 kr"


def test_kroner_round_half_up_to_whole_ore():
    assert plain(kroner(Decimal("0.125"))) == "0,13 kr"


def test_amount_never_wraps_between_digits_and_kr():
    assert " " not in kroner(Decimal("240000"))


def test_missing_amount_is_a_dash():
    assert kroner(None) == "–"


def test_date_is_written_in_words():
    assert dato(date(2023, 9, 1)) == "1. september 2023"


def test_statuses_and_kinds_have_norwegian_labels():
    assert [status_label(s) for s in ("approve", "partial", "reject", "manual_review")] == [
        "Innvilget", "Delvis innvilget", "Avslag", "Manuell behandling"]
    assert kind_label("budget") == "Budsjett/beregningsgrunnlag"


def test_consecutive_months_collapse_into_a_run():
    assert maaneder(["2023-12", "2023-11", "2024-01", "2024-03"]) == "nov. 2023–jan. 2024, mars 2024"


def test_clean_text_removes_bidi_and_zero_width_characters():
    tricky = "Tromsø\u202e kommune\u2066\u200b\ufeff\u200f"
    assert clean_text(tricky) == "Tromsø kommune"


def test_clean_text_removes_controls_xml_cannot_hold_but_keeps_newlines():
    assert clean_text("a\x00b\x1fc\nd\te") == "abc\nd\te"


def test_a_month_not_shaped_yyyy_mm_is_shown_as_it_stands():
    assert maaneder(["2023-09", "sept"]) == "sep. 2023, sept"


def test_a_moment_is_shown_on_the_clock_in_norway_whatever_the_server_zone():
    assert tidspunkt(datetime(2026, 12, 2, 3, 17, tzinfo=timezone.utc)) == "2. desember 2026 kl. 04.17"
