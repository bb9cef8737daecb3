"""Search queries: words to a tsquery with prefixes and synonyms; what is refused."""

from __future__ import annotations

import pytest

from code_catalog.codes.search import QueryRejected, parse_query


class TestParse:
    def test_words_become_prefix_groups_with_their_synonyms(self) -> None:
        query = parse_query("flu vaccine admin")
        assert query.tsquery == (
            "(flu:* | influenza:*) & (vaccine:* | vaccination:* | immunization:* | vac:*) & "
            "(admin:* | administration:* | administered:*)"
        )
        assert not query.negated

    def test_multi_word_synonyms_are_phrases_and_short_words_exact(self) -> None:
        assert parse_query("MRI knee").tsquery == "(mri:* | magnetic:* <-> resonance:*) & knee:*"
        assert parse_query("bp").tsquery == "(bp | blood:* <-> pressure:*)"

    def test_punctuation_never_reaches_the_tsquery(self) -> None:
        assert parse_query("knee & (scope | x):*!").tsquery.count("&") == 2

    def test_a_code_spelled_as_the_query_is_recognised(self) -> None:
        assert parse_query("E11.9").code == "E119"
        assert parse_query("g0008").code == "G0008"
        assert parse_query("flu shot").code is None

    def test_negation_words_are_noted_not_searched(self) -> None:
        query = parse_query("flu vaccine not given")
        assert query.negated and "not" not in query.tsquery

    @pytest.mark.parametrize("text", ["", "   ", "of the and", "x" * 201, "knee " * 11])
    def test_unsearchable_queries_are_refused(self, text: str) -> None:
        with pytest.raises(QueryRejected):
            parse_query(text)
