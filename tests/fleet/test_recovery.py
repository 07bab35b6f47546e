"""Recovering the city key from officers' shares: any M of N recover it; fewer, mixed, mistyped or forged
shares give an error that says why, never a wrong key; shares are standard SLIP-39."""

import dataclasses
import stat
from itertools import combinations
from pathlib import Path

import pytest
from click.testing import CliRunner
from shamir_mnemonic import Share, combine_mnemonics

from central.keys import CITY_KEY_FILE, load_or_create_city_key
from protocol.keys import CityPrivateKey
from provisioning.cli import provision
from provisioning.recovery import RecoveryError, choose_shares, parse_shares, recover_key, split_key

SLIP39_PASSPHRASE = b"TREZOR"
"""The passphrase of SLIP-0039's published test vectors (Madoguchi's own shares use none)."""
SLIP39_VECTORS = [
    (
        [
            "duckling enlarge academic academic agency result length solution fridge kidney coal piece deal "
            "husband erode duke ajar critical decision keyboard"
        ],
        "bb54aac4b89dc868ba37d9cc21b2cece",
    ),
    (
        [
            "shadow pistol academic always adequate wildlife fancy gross oasis cylinder mustang wrist rescue "
            "view short owner flip making coding armed",
            "shadow pistol academic acid actress prayer class unknown daughter sweater depict flip twice "
            "unkind craft early superior advocate guest smoking",
        ],
        "b43ceb7e57a0ea8766221624d01b0864",
    ),
]
BAD_CHECKSUM = (
    "duckling enlarge academic academic agency result length solution fridge kidney coal piece deal husband "
    "erode duke ajar critical decision kidney"
)


@pytest.fixture(scope="module")
def key() -> CityPrivateKey:
    return CityPrivateKey.generate()


@pytest.fixture(scope="module")
def shares(key: CityPrivateKey) -> list[str]:
    return split_key(key, threshold=3, count=5)


def typed(*chosen: str) -> str:
    return "\n\n".join(chosen)


def test_any_three_of_five_recover_the_key_and_no_two_do(key: CityPrivateKey, shares: list[str]) -> None:
    assert len(shares) == 5
    assert len(set(shares)) == 5
    for three in combinations(shares, 3):
        assert recover_key(typed(*three)).raw == key.raw
    for two in combinations(shares, 2):
        with pytest.raises(RecoveryError, match="2 different shares given; this key needs 3"):
            recover_key(typed(*two))
    assert recover_key(typed(*shares)).raw == key.raw  # more than enough is fine
    with pytest.raises(RecoveryError, match="needs 3"):
        recover_key(typed(shares[0], shares[0], shares[1]))  # the same share twice counts once


def test_shares_of_another_split_are_refused(key: CityPrivateKey, shares: list[str]) -> None:
    other = split_key(key, threshold=3, count=5)
    with pytest.raises(RecoveryError, match="different splits"):
        recover_key(typed(shares[0], shares[1], other[2]))


def test_a_mistyped_word_is_caught_and_placed(shares: list[str]) -> None:
    words = shares[1].split()
    words[20] = "academic" if words[20] != "academic" else "acid"
    with pytest.raises(RecoveryError, match="share 2 was not typed correctly"):
        recover_key(typed(shares[0], " ".join(words), shares[2]))
    with pytest.raises(RecoveryError, match="share 3, word 4: 'zzzz' is not a share word"):
        recover_key(typed(shares[0], shares[1], "acid acid acid zzzz"))


def test_a_forged_share_with_a_good_checksum_gives_an_error_not_a_wrong_key(shares: list[str]) -> None:
    genuine = Share.from_mnemonic(shares[2])
    flipped = bytes([genuine.value[0] ^ 1]) + genuine.value[1:]
    forged = dataclasses.replace(genuine, value=flipped).mnemonic()
    with pytest.raises(RecoveryError, match="do not fit together"):
        recover_key(typed(shares[0], shares[1], forged))


def test_officers_may_type_four_letters_in_any_case_with_the_printed_numbers(shares: list[str]) -> None:
    short = [
        " ".join(f"{n}. {word[:4].upper()}" for n, word in enumerate(share.split(), 1)) for share in shares
    ]
    assert parse_shares(typed("# share 1 of 5", *short[:3])) == shares[:3]


def test_the_published_slip39_vectors() -> None:
    for mnemonics, secret in SLIP39_VECTORS:
        chosen = choose_shares(parse_shares(typed(*mnemonics)))
        assert combine_mnemonics(chosen, SLIP39_PASSPHRASE).hex() == secret
    with pytest.raises(RecoveryError, match="not typed correctly"):
        choose_shares(parse_shares(BAD_CHECKSUM))


def test_the_cli_prints_shares_and_writes_the_recovered_key_0600(tmp_path: Path) -> None:
    original = load_or_create_city_key(tmp_path / "central")
    runner = CliRunner()
    printed = runner.invoke(
        provision,
        ["key-split", "--central-data", str(tmp_path / "central"), "--shares", "5", "--threshold", "3"],
    )
    assert printed.exit_code == 0, printed.output
    sheets = printed.output.strip().split("\n\n")
    assert len(sheets) == 5
    assert all(f"city sealing key {original.public.key_id.hex()}" in sheet for sheet in sheets)

    restored = tmp_path / "restored"
    recover = ["key-recover", "--central-data", str(restored)]
    too_few = runner.invoke(provision, recover, input=typed(*sheets[:2]))
    assert too_few.exit_code != 0
    assert "this key needs 3" in too_few.output
    assert not (restored / CITY_KEY_FILE).exists()

    done = runner.invoke(provision, recover, input=typed(*sheets[2:]))
    assert done.exit_code == 0, done.output
    assert (restored / CITY_KEY_FILE).read_bytes() == original.raw
    assert stat.S_IMODE((restored / CITY_KEY_FILE).stat().st_mode) == 0o600
    again = runner.invoke(provision, recover, input=typed(*sheets[:3]))
    assert again.exit_code != 0
    assert "move it away first" in again.output
