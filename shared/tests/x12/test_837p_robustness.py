"""Damaged input never crashes the reader: every mutation ends in a verdict and a 999."""

from __future__ import annotations

import random
from datetime import date, datetime

from claimflow_shared.x12.ack999 import render_999
from claimflow_shared.x12.p837 import (
    ClaimAcknowledger,
    ClaimRead,
    Professional837Reader,
    render_277ca,
)
from claimflow_shared.x12.p837 import synthetic as s
from claimflow_shared.x12.tokenizer import UnreadableInterchangeError
from claimflow_shared.x12.writer import ControlNumbers

from .helpers import data_dir

NOISE = [
    b"",
    b"X",
    b"999999999999",
    b"1.5",
    b":::",
    b">",
    b"\xff\xfe",
    b"I10.1",
    b"-5",
    b"20241399",
]
STARTERS = [b"HL", b"CLM", b"LX", b"SE", b"ST", b"GS", b"NM1", b"SBR", b"IEA"]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """Delete, repeat, garble or cut segments and elements of an interchange."""
    segments = data.split(b"~")
    at = rng.randrange(1, len(segments))
    elements = segments[at].split(b"*")
    choice = rng.randrange(5)
    if choice == 0:
        del segments[at]
    elif choice == 1:
        segments.insert(rng.randrange(1, len(segments)), segments[at])
    elif choice == 2:
        elements[rng.randrange(len(elements))] = rng.choice(NOISE)
        segments[at] = b"*".join(elements)
    elif choice == 3:
        elements.insert(rng.randrange(len(elements)), rng.choice(STARTERS))
        segments[at] = b"*".join(elements)
    else:
        return data[: rng.randrange(len(data))] + rng.randbytes(rng.randrange(0, 40))
    return b"~".join(segments)


def answer(data: bytes, chunk: int) -> str:
    """Read data and render both replies, as the endpoint would."""
    reader, acks = Professional837Reader(), ClaimAcknowledger()
    for event in reader.read(data, chunk):
        acks.add(event)
    sent = datetime(2024, 3, 1, 12, 0)
    text = render_999(reader.acknowledgment, ControlNumbers(1, 1), sent_at=sent)
    render_277ca(
        acks.batches,
        reader.acknowledgment,
        ControlNumbers(2, 2),
        sent_at=sent,
        received=date(2024, 3, 1),
    )
    return text


def test_four_hundred_mutations_each_end_in_a_999_or_a_clear_error() -> None:
    rng = random.Random(2024)
    bases = [s.interchange([[s.body(3, lines=2), s.body(2, first=3)]])] + [
        (data_dir() / name).read_bytes()
        for name in ("lfh/demo.example1.837", "databricks/CHPW_Claimdata.txt")
    ]
    unreadable = answered = 0
    for _ in range(400):
        data = mutate(rng.choice(bases), rng)
        try:
            text = answer(data, rng.choice([7, 100, 65536]))
        except UnreadableInterchangeError:
            unreadable += 1
            continue
        assert text.startswith("ISA") and "IEA" in text
        answered += 1
    assert answered > 350 and unreadable < 50


def test_errors_listed_per_set_are_capped_and_the_rest_counted() -> None:
    body = s.body(30, lines=1)
    for index, segment in enumerate(body):
        if segment[0] == "CLM":
            body[index] = [*segment[:5], ("11", "B", "9"), *segment[6:]]
    reader = Professional837Reader(max_errors_per_set=10)
    claims = [e for e in reader.read(s.interchange([[body]])) if isinstance(e, ClaimRead)]
    (result,) = reader.acknowledgment.transaction_sets
    assert (len(result.errors), result.omitted_errors) == (10, 20)
    assert not any(c.accepted for c in claims) and len(claims) == 30


class TestCharacterSet:
    """AN elements hold the basic and extended X12 character sets, nothing else."""

    @staticmethod
    def read_with_name(name: bytes) -> tuple[list[ClaimRead], str]:
        data = s.interchange([[s.body(1, lines=1)]]).replace(b"ALEX", name)
        reader = Professional837Reader()
        claims = [e for e in reader.read(data) if isinstance(e, ClaimRead)]
        sent = datetime(2024, 3, 1, 12, 0)
        return claims, render_999(reader.acknowledgment, ControlNumbers(1, 1), sent_at=sent)

    def test_latin_national_letters_and_lowercase_are_accepted(self) -> None:
        claims, _ = self.read_with_name("ZOË-ñandú o'neil".encode())
        assert [c.accepted for c in claims] == [True]

    def test_control_characters_other_scripts_and_bad_bytes_reject_the_claim(self) -> None:
        for name in (b"AL\x00EX", b"AL\x07EX", "ZOË 患者".encode(), b"\xff\xfe\xfd"):
            claims, ack = self.read_with_name(name)
            assert [c.accepted for c in claims] == [False], name
            assert "*1036*6" in ack, (name, ack)
            assert "\x00" not in ack and "\x07" not in ack and "患" not in ack
