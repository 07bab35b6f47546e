"""Synthetic citizens for tests and benches: distinctive names and addresses, so leaks can be searched for."""

import random

import msgspec

from protocol.facts import Facts, Member, Person

FAMILY = ["山田", "佐藤", "鈴木", "髙橋", "田中", "渡邊", "伊藤", "中村", "小林", "齋藤"]
GIVEN = ["太郎", "花子", "翔太", "陽菜", "蓮", "結衣", "大翔", "さくら", "悠真", "美咲"]
WARDS = ["中央区", "東区", "西区", "南区", "北区"]


def citizen(rng: random.Random, serial: int) -> Facts:
    """A move-in household whose applicant's name and address carry a unique serial (full-width digits)."""
    tag = str(serial).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    name = f"{rng.choice(FAMILY)}　{rng.choice(GIVEN)}{tag}"
    address = f"熊本県熊本市{rng.choice(WARDS)}手取本町{tag}－{rng.randint(1, 30)}－{rng.randint(1, 999)}"
    family = name.split("　", maxsplit=1)[0]
    child = Member(name=f"{family}　子{tag}", relation="child", birth_date="2019-04-02", sex="2")
    return Facts(
        life_event="move_in",
        language="ja",
        applicant=Person(name=name, address=address, birth_date="1985-06-15", sex="1"),
        household=[child],
        answers={},
    )


def facts_json(facts: Facts) -> bytes:
    """The JSON body the kiosk posts."""
    return msgspec.json.encode(facts)
