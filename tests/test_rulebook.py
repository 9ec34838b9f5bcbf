"""docs/rules.md states the rules the checks run: its tables are generated from the data and kept current."""
from __future__ import annotations

import re

from checks.findings import rule_table
from checks.parameters import describe, known_years, load_parameters
from pipeline.render.rulebook import RULES_DOC, rebuilt

DOC = RULES_DOC.read_text(encoding="utf-8")


def test_the_rule_book_is_what_the_data_says_now():
    """Fails after a change to a parameter, a source or the rule table until `python -m pipeline.render.rulebook`."""
    assert DOC == rebuilt(DOC)


def test_the_rule_book_lists_every_rule_id_with_its_severity_and_level():
    for rule, spec in rule_table().items():
        assert re.search(rf"^\| `{re.escape(rule)}` \| {spec.severity} \| {spec.level} \|", DOC, re.M), rule


def test_the_rule_book_lists_every_parameter_of_every_grant_year():
    for year in known_years():
        section = DOC.split(f"### {year} ", 1)[1].split("###", 1)[0]
        for row in describe(load_parameters(year)):
            assert f"| `{row.name}` |" in section, (year, row.name)


def test_the_rule_book_has_every_section_the_code_cites():
    for section in ("## 1.", "## 2.", "## 3.", "## 3b.", "## 4.", "## 5."):
        assert f"\n{section} " in DOC, section
