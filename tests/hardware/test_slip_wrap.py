"""Line breaking on the slip: Latin words stay whole, Japanese breaks between characters but keeps 禁則, and a
short mark such as 【案内】 is never split."""

from collections.abc import Callable

from edge_agent.hardware.printer.layout import wrap


def at_most(characters: int) -> Callable[[str], bool]:
    return lambda line: len(line) <= characters


def test_latin_words_move_down_whole() -> None:
    lines = wrap("Moving-in notification; Personal seal registration", at_most(30))
    assert lines == ["Moving-in notification;", "Personal seal registration"]


def test_a_word_longer_than_a_line_is_cut() -> None:
    assert wrap("https://madoguchi.example/t/abc", at_most(12)) == ["https://mado", "guchi.exampl", "e/t/abc"]


def test_japanese_breaks_anywhere_but_not_before_closing_punctuation() -> None:
    lines = wrap("住民異動届（転入届）・住民票", at_most(9))
    assert lines == ["住民異動届（転入", "届）・住民票"], "・ and ） never start a line"
    assert all(not line.startswith(("・", "）")) for line in wrap("あいうえおかきくけ・こさし", at_most(9)))


def test_an_opening_bracket_and_a_mark_move_down_with_what_follows() -> None:
    assert wrap("Registration; 【案内】Rubbish", at_most(16)) == ["Registration;", "【案内】Rubbish"]
    assert wrap("あいうえお（かき）", at_most(6)) == ["あいうえお", "（かき）"]
