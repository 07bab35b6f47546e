"""What a questionnaire screen shows a citizen: the next question and its choices, in their language.

The navigator's other output, the plan, is part of the wire contract and lives in `protocol/plan.py`.
Labels are catalog texts, never personal data, except member options, which list the household by name: a
question must never be logged.
"""

import msgspec

from procedures.model import QuestionType, Texts
from protocol.plan import Text


def localize(texts: Texts, language: str) -> Text:
    """Pick the citizen's language, falling back to Japanese for ja-* and to English otherwise."""
    fallback = texts["ja"] if language.startswith("ja") else texts["en"]
    return Text(ja=texts["ja"], citizen=texts.get(language, fallback))


class QuestionOption(msgspec.Struct, frozen=True):
    """One choice on a question screen (member questions list the household by name)."""

    id: str
    label: Text


class AskedQuestion(msgspec.Struct, frozen=True):
    """A question the kiosk should show next; a `grades` question grades each of `members` with one of
    `options` (member questions list the people in `options` instead)."""

    id: str
    type: QuestionType
    label: Text
    options: list[QuestionOption]
    min: int | None
    max: int | None
    members: list[QuestionOption] = msgspec.field(default_factory=list)
