"""docs/rules.md's tables, generated from the data the checks run on, so the rule book cannot drift from it.

The prose of docs/rules.md is written by hand; the blocks between
`<!-- BEGIN GENERATED: name -->` and `<!-- END GENERATED: name -->` are these
functions' output: the source documents (checks/sources.yaml), every grant
year's parameters (checks/parameters/YEAR.yaml) and every rule id
(checks/rule_table.yaml). Run `python -m pipeline.render.rulebook` after
changing any of them; tests/test_rulebook.py fails while the file is stale.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from checks.findings import rule_table
from checks.parameters import describe, known_years, load_parameters
from checks.sources import named

RULES_DOC = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
SOURCES = Path(__file__).resolve().parents[2] / "checks" / "sources.yaml"
_BLOCK = re.compile(r"(<!-- BEGIN GENERATED: (?P<name>[\w-]+) -->\n).*?(<!-- END GENERATED: (?P=name) -->)", re.S)


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def sources_block() -> str:
    documents = yaml.safe_load(SOURCES.read_text(encoding="utf-8"))["documents"]
    return _table(["cited as", "document"], [[f"`{key}`", title] for key, title in documents.items()])


def parameters_block() -> str:
    """One table per grant year: every parameter with its value, unit, source (as the document) and assumption."""
    parts = []
    for year in known_years():
        params = load_parameters(year)
        rows = [[f"`{row.name}`", row.description, row.value, row.unit, named(row.source, year),
                 "**assumption**" if row.assumption else ""] for row in describe(params)]
        parts.append(f"### {year} (regime {params.regime.value})\n\n"
                     + _table(["parameter", "what", "value", "unit", "source", ""], rows))
    return "\n".join(parts)


def rules_block() -> str:
    """Every rule id with its severity, level, regimes, what makes it fire and what it rests on."""
    rows = [[f"`{rule}`", spec.severity, spec.level, ", ".join(spec.regimes), spec.when, named(spec.source)]
            for rule, spec in rule_table().items()]
    return _table(["rule", "severity", "level", "regimes", "fires when", "rests on"], rows)


BLOCKS = {"sources": sources_block, "parameters": parameters_block, "rules": rules_block}


def rebuilt(text: str) -> str:
    """The document with every generated block replaced by what the data says now."""
    def replace(match: re.Match[str]) -> str:
        return f"{match.group(1)}{BLOCKS[match['name']]()}{match.group(3)}"

    return _BLOCK.sub(replace, text)


def main() -> None:
    RULES_DOC.write_text(rebuilt(RULES_DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {RULES_DOC}")


if __name__ == "__main__":
    main()
