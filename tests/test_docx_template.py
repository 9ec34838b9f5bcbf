"""A Word template read once per process renders each document as docxtpl renders it from the file.

pipeline/render/docx_template.py compiles the letter template once and copies
the parts it does not render; what a municipality receives must not change.
"""
from __future__ import annotations

import zipfile
from datetime import date
from io import BytesIO

import pytest
from docx import Document
from docxtpl import DocxTemplate
from lxml import etree

from pipeline.render.docx_template import WordTemplate
from pipeline.render.environment import environment
from pipeline.render.letter import TEMPLATE, letter_context
from tests.result_examples import approve, partial, reject

TODAY = date(2026, 11, 23)
RENDERED = {"word/document.xml", "word/header1.xml", "word/header2.xml"}


def by_docxtpl(context: dict) -> bytes:
    """The letter as docxtpl writes it when it opens the template for each document."""
    template = DocxTemplate(TEMPLATE)
    template.render(context, jinja_env=environment(loader=False), autoescape=True)
    out = BytesIO()
    template.save(out)
    return out.getvalue()


def parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(BytesIO(docx)) as package:
        return {name: package.read(name) for name in package.namelist()}


def canonical(xml: bytes) -> bytes:
    return etree.tostring(etree.fromstring(xml, etree.XMLParser(remove_blank_text=True)), method="c14n")


@pytest.mark.parametrize("result", [approve(), partial(), reject()], ids=["approve", "partial", "reject"])
def test_the_rendered_parts_are_byte_for_byte_those_docxtpl_writes(result):
    context = letter_context(result, TODAY)
    ours, theirs = parts(WordTemplate(TEMPLATE, environment(loader=False)).render(context)), parts(by_docxtpl(context))
    assert RENDERED <= set(ours) and set(ours) == set(theirs)
    assert {name: ours[name] for name in RENDERED} == {name: theirs[name] for name in RENDERED}


def test_the_other_parts_hold_what_docxtpl_writes():
    """docxtpl writes empty document properties it did not find as empty elements; the values are the same."""
    context = letter_context(approve(), TODAY)
    ours = WordTemplate(TEMPLATE, environment(loader=False)).render(context)
    theirs = by_docxtpl(context)
    for name in set(parts(ours)) - RENDERED - {"docProps/core.xml"}:
        mine, docxtpls = parts(ours)[name], parts(theirs)[name]
        assert mine == docxtpls or (name.endswith((".xml", ".rels")) and canonical(mine) == canonical(docxtpls)), name
    assert properties(ours) == properties(theirs)


def properties(docx: bytes) -> dict[str, object]:
    found = Document(BytesIO(docx)).core_properties
    return {name: getattr(found, name) for name in ("author", "title", "subject", "identifier", "language",
                                                     "comments", "created", "modified", "revision")}


def test_one_loaded_template_gives_each_letter_its_own_facts():
    template = WordTemplate(TEMPLATE, environment(loader=False))
    for result in (approve(), reject(), partial()):
        context = letter_context(result, TODAY)
        assert parts(template.render(context))["word/document.xml"] == parts(by_docxtpl(context))["word/document.xml"]


def test_a_variable_the_context_lacks_stops_the_letter():
    context = letter_context(approve(), TODAY)
    del context["title"]
    with pytest.raises(ValueError, match="title"):
        WordTemplate(TEMPLATE, environment(loader=False)).render(context)
