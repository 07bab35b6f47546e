"""Handwriting saved, set beside the figures Ibusuki City measured in its counter role-play (seed 002).

Ibusuki's three-generation family of 7 and a dog moving in wrote 96 entries on 14 forms (name 36,
address 25, phone 16, birth date 19); with tablets and printed forms it still wrote 33 (16, 2, 5, 10).
Used by the tests' summary and by `bench/navigator.py` so both print the same table. Counts only; this
module must never print a field's value.
"""

import unicodedata

from protocol.plan import Plan, WritingCount

IBUSUKI_FORMS = 14
IBUSUKI_BEFORE = WritingCount(name=36, address=25, phone=16, birth_date=19, total=96)
IBUSUKI_AFTER = WritingCount(name=16, address=2, phone=5, birth_date=10, total=33)
_ROWS = (("name", "氏名"), ("address", "住所"), ("phone", "電話番号"), ("birth_date", "生年月日"))


def _padded(text: str, width: int) -> str:
    """Left-align in a monospace column, counting full-width (Japanese) characters as two."""
    shown = sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
    return text + " " * max(0, width - shown)


def writing_table(plan: Plan) -> str:
    """A plain-text table: per field type, Ibusuki before → after, and Madoguchi saved / left to write."""
    saved, left = plan.writing.saved, plan.writing.left
    lines = [
        f"{'field type':<22}{'Ibusuki paper':>14}{'Ibusuki tablet':>16}{'Madoguchi prefilled':>21}"
        f"{'left to write':>15}"
    ]
    for key, label in _ROWS:
        lines.append(
            f"{_padded(f'{key} ({label})', 22)}{getattr(IBUSUKI_BEFORE, key):>14}"
            f"{getattr(IBUSUKI_AFTER, key):>16}{getattr(saved, key):>21}{getattr(left, key):>15}"
        )
    four = sum(getattr(saved, key) for key, _ in _ROWS)
    four_left = sum(getattr(left, key) for key, _ in _ROWS)
    lines.append(
        f"{'total (these 4)':<22}{IBUSUKI_BEFORE.total:>14}{IBUSUKI_AFTER.total:>16}{four:>21}{four_left:>15}"
    )
    lines.append(
        f"forms: Ibusuki {IBUSUKI_FORMS}, Madoguchi {len(plan.forms)}; other fields prefilled "
        f"{saved.other}; citizen signatures/seal marks {plan.writing.signatures}; "
        f"staff-only fields {plan.writing.staff_fields}"
    )
    return "\n".join(lines)
