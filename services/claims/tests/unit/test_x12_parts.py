"""X12 pieces without a database: claim mapping, patient references, answer negotiation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claimflow_shared.patient_refs import derive_patient_ref
from claimflow_shared.x12.p837 import ClaimRead, Professional837Reader, synthetic
from claims.x12.mapping import Envelope, draft_of, envelope_key
from claims.x12.responses import chosen_media_type

KEY = b"test-key"


def read_claims(body: list[synthetic.Segment]) -> list[ClaimRead]:
    data = synthetic.interchange([[body]])
    return [e for e in Professional837Reader().read(data) if isinstance(e, ClaimRead)]


class TestPatientRefs:
    def test_stable_and_normalized(self) -> None:
        one = derive_patient_ref(key=KEY, tenant_id="t", payer_id="ACME01", member_id="mem1")
        two = derive_patient_ref(key=KEY, tenant_id="t", payer_id=" acme01", member_id="MEM1 ")
        assert one == two and one.startswith("pr_") and len(one) == 35

    @pytest.mark.parametrize(
        "change",
        [{"tenant_id": "u"}, {"payer_id": "OTHER"}, {"member_id": "MEM2"}, {"key": b"other"}],
    )
    def test_every_input_changes_it(self, change: dict[str, object]) -> None:
        base: dict[str, object] = {
            "key": KEY,
            "tenant_id": "t",
            "payer_id": "ACME01",
            "member_id": "MEM1",
        }
        assert derive_patient_ref(**base) != derive_patient_ref(**(base | change))  # type: ignore[arg-type]

    def test_it_does_not_contain_the_member_id(self) -> None:
        reference = derive_patient_ref(key=KEY, tenant_id="t", payer_id="P", member_id="123456")
        assert "123456" not in reference


class TestMapping:
    def test_a_synthetic_claim_maps_with_a_derived_reference_and_its_envelope_key(self) -> None:
        [read] = read_claims(synthetic.body(1, lines=2))
        envelope = Envelope(tenant_id="t", sender_id="SUB001", key=KEY)
        made = draft_of(read.claim, envelope=envelope, occurrence=1)
        assert made.source == "x12" and made.claim_number == "CLM00000000"
        assert made.patient_ref == derive_patient_ref(
            key=KEY, tenant_id="t", payer_id="ACME01", member_id="MEM000000000"
        )
        assert made.x12_key == "SUB001|000000001|1|1001|CLM00000000"
        assert [line.code for line in made.lines] == ["99213", "99213"]
        assert made.prior_auth_number == "PA0000000"
        assert made.findings == ()
        assert made.demographics is not None
        assert made.demographics.patient is not None
        assert made.demographics.patient["last_name"] == "PATIENT0"

    def test_a_repeated_claim_number_gets_its_occurrence_in_the_key(self) -> None:
        [read] = read_claims(synthetic.body(1, lines=1))
        envelope = Envelope(tenant_id="t", sender_id="S", key=KEY)
        assert envelope_key(envelope, read.claim, 2).endswith("CLM00000000#2")

    def test_a_procedure_qualifier_other_than_hc_is_a_finding_not_a_loss(self) -> None:
        body = synthetic.body(1, lines=1)
        for segment in body:
            if segment[0] == "SV1":
                segment[1] = ("ER", "ABC123")
        [read] = read_claims(body)
        made = draft_of(read.claim, envelope=Envelope("t", "S", KEY), occurrence=1)
        assert [f.rule for f in made.findings] == ["PROCEDURE_CODE_INVALID"]
        assert len(made.lines[0].code) <= 5

    def test_an_amount_too_large_for_the_tables_is_a_finding(self) -> None:
        body = synthetic.body(1, lines=1)
        for segment in body:
            if segment[0] == "SV1":
                segment[4] = "99999999999"
        [read] = read_claims(body)
        made = draft_of(read.claim, envelope=Envelope("t", "S", KEY), occurrence=1)
        assert "AMOUNT_OUT_OF_RANGE" in [f.rule for f in made.findings]
        assert made.lines[0].units == Decimal(0)


class TestNegotiation:
    @pytest.mark.parametrize(
        ("accept", "chosen"),
        [
            (None, "application/json"),
            ("*/*", "application/json"),
            ("application/edi-x12", "application/edi-x12"),
            ("multipart/mixed, application/json", "multipart/mixed"),
            ("text/html, application/edi-x12;q=0.9", "application/edi-x12"),
            ("application/xml", "application/json"),
        ],
    )
    def test_the_first_listed_representation_we_have_wins(
        self, accept: str | None, chosen: str
    ) -> None:
        assert chosen_media_type(accept) == chosen
