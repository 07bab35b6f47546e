"""Recovering the city's private sealing key from a quorum of officers' shares (M of N).

The 96-byte key is split with SLIP-0039 (Shamir's secret sharing over GF(256), as Trezor's reference
library `shamir-mnemonic` implements it). Each share is a list of words from a 1,024-word list, each word
told apart by its first four letters, with an RS1024 checksum (a mistyped word is caught and located) and
the split's identifier and threshold inside; the secret itself carries a digest, so shares from different
splits, too few shares or a forged share give an error, never a wrong key. Shares are standard SLIP-39
(no passphrase): any SLIP-39 implementation recovers the key if this software is gone.

This module never writes or logs a key or a share; the CLI prints shares to the terminal and writes the
recovered key with `write_secret_file`.
"""

import re
from collections.abc import Iterable

from shamir_mnemonic import MnemonicError, Share, combine_mnemonics, generate_mnemonics
from shamir_mnemonic.wordlist import WORDLIST

from protocol.keys import CityPrivateKey

WORDS_PER_ROW = 6
PREFIX_LEN = 4
_BY_PREFIX: dict[str, str] = {str(word)[:PREFIX_LEN]: str(word) for word in WORDLIST}
_NUMBER = re.compile(r"\d+[.):]?")


class RecoveryError(ValueError):
    """The shares given cannot recover a key; the message says why, in words an officer can act on."""


def split_key(key: CityPrivateKey, threshold: int, count: int) -> list[str]:
    """Split the city key into count shares (space-separated words), any threshold of which recover it."""
    if not 2 <= threshold <= count <= 16:
        raise ValueError("need 2 <= threshold <= shares <= 16")
    [shares] = generate_mnemonics(1, [(threshold, count)], key.raw)
    return [str(share) for share in shares]


def share_sheet(share: str, number: int, count: int, threshold: int, key_id: str) -> str:
    """One share as printed for an officer: a comment header, then numbered words in rows of six."""
    numbered = [f"{n:2d} {word:<8}" for n, word in enumerate(share.split(), start=1)]
    rows = [
        "  ".join(numbered[start : start + WORDS_PER_ROW]) for start in range(0, len(numbered), WORDS_PER_ROW)
    ]
    header = f"# Madoguchi city sealing key {key_id}: share {number} of {count}; any {threshold} recover it."
    return "\n".join([header, *(row.rstrip() for row in rows)]) + "\n"


def _word(token: str, share_number: int, position: int) -> str:
    word: str | None = _BY_PREFIX.get(token[:PREFIX_LEN])
    if word is None or len(token) < PREFIX_LEN or not word.startswith(token):
        raise RecoveryError(f"share {share_number}, word {position}: {token!r} is not a share word")
    return word


def parse_shares(text: str) -> list[str]:
    """Read shares as typed: one block of words per share, blocks separated by a blank line.

    Lines starting with `#` (the printed headers) and word numbers are skipped, case does not matter, and
    a word may be typed as its first four letters or more.
    """
    shares: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line for line in block.splitlines() if not line.lstrip().startswith("#")]
        tokens = [token.lower() for token in " ".join(lines).split() if not _NUMBER.fullmatch(token)]
        if tokens:
            number = len(shares) + 1
            shares.append(" ".join(_word(token, number, n) for n, token in enumerate(tokens, start=1)))
    return shares


def choose_shares(shares: Iterable[str]) -> list[str]:
    """The shares to combine: one per share number, exactly as many as the split's threshold."""
    decoded: dict[int, tuple[str, Share]] = {}
    for number, share in enumerate(shares, start=1):
        try:
            parsed = Share.from_mnemonic(share)
        except MnemonicError as exc:
            raise RecoveryError(f"share {number} was not typed correctly: {exc}") from exc
        decoded.setdefault(parsed.index, (share, parsed))
    if not decoded:
        raise RecoveryError("no shares given")
    splits = {parsed.identifier for _, parsed in decoded.values()}
    if len(splits) > 1:
        raise RecoveryError("these shares come from different splits; use shares printed together")
    threshold = next(iter(decoded.values()))[1].member_threshold
    if len(decoded) < threshold:
        raise RecoveryError(f"{len(decoded)} different shares given; this key needs {threshold}")
    return [share for share, _ in list(decoded.values())[:threshold]]


def recover_key(text: str) -> CityPrivateKey:
    """The city key from typed shares (`parse_shares`), or RecoveryError saying what is wrong."""
    try:
        raw = combine_mnemonics(choose_shares(parse_shares(text)))
    except MnemonicError as exc:
        raise RecoveryError(f"the shares do not fit together: {exc}") from exc
    try:
        return CityPrivateKey.from_bytes(raw)
    except ValueError as exc:
        raise RecoveryError(f"the shares recover something that is not a city key: {exc}") from exc
