"""What a citizen's slip says: the data the kiosk fills in, and the slip's fixed headings in each language.

A slip carries no plaintext personal data (no name, address or birth date): the case itself travels only
inside the sealed QR. Nothing here may ever add personal data to a slip.
"""

import msgspec


class CounterStop(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """One counter to visit, in the order of the plan."""

    name: str
    """The counter's name in Japanese, e.g. 市民課."""
    floor: str = ""
    """Where it is, e.g. 1F."""
    location: str = ""
    """The window within the floor, e.g. 3番窓口."""
    procedures: list[str] = msgspec.field(default_factory=list)
    """The procedures done there, as short labels."""


class Slip(msgspec.Struct, forbid_unknown_fields=True, frozen=True, kw_only=True):
    """Everything printed on one slip; keep it to reprint the same slip later."""

    office: str
    """Office name, printed at the top."""
    ticket: str
    """Queue number, printed large, e.g. A-012."""
    language: str
    """The citizen's language (BCP 47, e.g. "en"); headings are printed in it and in Japanese."""
    stops: list[CounterStop]
    """Counters to visit, in order."""
    documents: list[str] = msgspec.field(default_factory=list)
    """Documents to bring."""
    qr_text: str = ""
    """The case QR's payload: Base45 text (QR alphanumeric mode); empty for no QR."""
    issued_at: str = ""
    """When the slip was issued, as text to print (e.g. 2026-04-01 10:15)."""
    status_url: str = ""
    """The ticket's status page (its place in the queue, on the citizen's phone); empty for none."""


_HEADINGS: dict[str, dict[str, str]] = {
    "ja": {
        "ticket": "受付番号",
        "stops": "お回りいただく窓口",
        "documents": "お持ちいただくもの",
        "qr": "窓口でこのQRコードをお見せください",
        "status": "順番をスマートフォンで確認できます",
    },
    "en": {
        "ticket": "Your number",
        "stops": "Counters to visit, in order",
        "documents": "Please bring",
        "qr": "Show this QR code at each counter",
        "status": "Check your turn on your phone",
    },
    "zh": {
        "ticket": "受理号码",
        "stops": "请按顺序前往以下窗口",
        "documents": "请携带",
        "qr": "请在窗口出示此二维码",
        "status": "可用手机查看排队进度",
    },
    "ko": {
        "ticket": "접수 번호",
        "stops": "방문할 창구 (순서대로)",
        "documents": "지참하실 것",
        "qr": "창구에서 이 QR 코드를 보여 주세요",
        "status": "휴대폰으로 순서를 확인할 수 있습니다",
    },
    "vi": {
        "ticket": "Số thứ tự",
        "stops": "Các quầy cần đến, theo thứ tự",
        "documents": "Vui lòng mang theo",
        "qr": "Hãy xuất trình mã QR này tại quầy",
        "status": "Xem lượt của bạn trên điện thoại",
    },
    "pt": {
        "ticket": "Sua senha",
        "stops": "Guichês a visitar, em ordem",
        "documents": "Traga",
        "qr": "Mostre este código QR no guichê",
        "status": "Acompanhe sua vez pelo celular",
    },
    "es": {
        "ticket": "Su número",
        "stops": "Ventanillas a visitar, en orden",
        "documents": "Traiga",
        "qr": "Muestre este código QR en la ventanilla",
        "status": "Consulte su turno en el móvil",
    },
}


def heading(key: str, language: str) -> str:
    """A heading in Japanese, then in the citizen's language unless that is Japanese (English if unknown)."""
    japanese = _HEADINGS["ja"][key]
    base = language.split("-", maxsplit=1)[0].lower()
    if base == "ja":
        return japanese
    return f"{japanese} / {_HEADINGS.get(base, _HEADINGS['en'])[key]}"
