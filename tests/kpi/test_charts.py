"""The inline SVG charts: well-formed, texts escaped, reference lines drawn, a quarter's days readable."""

import xml.etree.ElementTree as ET

from central.kpi import charts

SVG = "{http://www.w3.org/2000/svg}"


def test_a_column_chart_is_valid_svg_with_escaped_text_and_its_reference_lines() -> None:
    svg = charts.columns(
        "<b>滞在</b>",
        "分",
        ["11/30", "12/1"],
        [charts.Series("a<script>", [58.25, None])],
        [charts.Reference(79, "目標 79分")],
    )
    root = ET.fromstring(str(svg))
    assert root.findtext(f"{SVG}title") == "<b>滞在</b>"
    assert "<script>" not in str(svg)
    assert len(root.findall(f"{SVG}rect")) == 2  # the legend's swatch and one bar: no bar for no data
    assert any(line.get("stroke-dasharray") for line in root.iter(f"{SVG}line"))
    assert "a<script>: 11/30 58.3分" in (root.findtext(f"{SVG}desc") or "")


def test_a_quarter_of_days_labels_at_most_fourteen_of_them() -> None:
    days = [f"d{index}" for index in range(92)]
    root = ET.fromstring(str(charts.columns("t", "分", days, [charts.Series("s", [1.0] * 92)])))
    labels = [text.text for text in root.iter(f"{SVG}text") if (text.text or "").startswith("d")]
    assert 1 < len(labels) <= charts.MAX_LABELS
    assert labels[0] == "d0"


def test_a_row_chart_shortens_long_names_but_keeps_them_in_the_tooltip() -> None:
    name = "国民健康保険の資格喪失（死亡）と高額療養費の手続"
    root = ET.fromstring(str(charts.rows("t", "分", [name], [charts.Series("待ち", [12.0])])))
    shown = [text for text in root.iter(f"{SVG}text") if text.findtext(f"{SVG}title") == name]
    assert len(shown) == 1
    assert "…" in "".join(shown[0].itertext())
