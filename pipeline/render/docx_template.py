"""Word templates (docxtpl) read and compiled once per process; each document is only rendered.

docxtpl opens the template package, works out its variables, compiles its XML
as a Jinja template and saves the whole package again for every document:
about 100 ms a letter, most of what writing an application cost. Here a
template is read once: the parts docxtpl renders (the body, the headers and
footers) are compiled once, and the other parts are kept as a zip that every
document starts from. Per document only those parts are rendered, with
docxtpl's own steps (its tag clean-up, listing, table and picture-id fixes)
and python-docx's own parser and serialiser, so a part comes out as docxtpl
would write it; the untouched parts keep the template's bytes.

A template that uses what this does not render (template text in the document
properties or in footnotes) is rendered by docxtpl as before.
"""
from __future__ import annotations

import re
import threading
import zipfile
from functools import cache
from io import BytesIO
from pathlib import Path

from docx.oxml.parser import parse_xml
from docx.opc.oxml import serialize_part_xml
from docxtpl import DocxTemplate
from jinja2 import Environment, Template

_TEMPLATE_SYNTAX = re.compile(r"\{[{%#]")
_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"


class _CompiledOnce:
    """The environment as docxtpl asks it to compile a part: each part's source is compiled once."""

    def __init__(self, env: Environment):
        self._env = env
        self._compiled: dict[str, Template] = {}

    def from_string(self, source: str) -> Template:
        found = self._compiled.get(source)
        if found is None:
            found = self._compiled[source] = self._env.from_string(source)
        return found


class WordTemplate:
    def __init__(self, path: Path, env: Environment):
        self.path, self.env = path, env
        self._compiling = _CompiledOnce(env)
        self._lock = threading.Lock()
        self._docx = DocxTemplate(path)
        self._docx.init_docx()
        self.variables = frozenset(self._docx.get_undeclared_template_variables(jinja_env=env))
        self.renders_parts = not self._uses_other_parts()
        if not self.renders_parts:
            return
        document = self._docx.docx.part
        self._document_name = _zip_name(document.partname)
        self._document_xml = document.blob
        self._body = self._docx.patch_xml(self._docx.get_xml())
        self._parts = {}  # zip name -> (patched source, encoding)
        for uri in (DocxTemplate.HEADER_URI, DocxTemplate.FOOTER_URI):
            for _, part in self._docx.get_headers_footers(uri):
                xml = self._docx.get_part_xml(part)
                self._parts[_zip_name(part.partname)] = (self._docx.patch_xml(xml),
                                                         self._docx.get_headers_footers_encoding(xml))
        self._base = self._untouched_parts()

    def render(self, context: dict) -> bytes:
        """The document for this context, as bytes of a .docx."""
        missing = self.variables - set(context)
        if missing:
            raise ValueError(f"{self.path.name} uses variables the context lacks: {sorted(missing)}")
        if not self.renders_parts:
            return self._render_whole(context)
        with self._lock:
            rendered = {self._document_name: self._render_document(context)}
            for name, (source, encoding) in self._parts.items():
                xml = self._docx.render_xml_part(source, None, context, self._compiling)
                rendered[name] = serialize_part_xml(parse_xml(xml.encode(encoding)))
        out = BytesIO(self._base)
        with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
            for name, data in rendered.items():
                package.writestr(name, data)
        return out.getvalue()

    def _render_document(self, context: dict) -> bytes:
        """The body as docxtpl renders it, put back into the document part as python-docx saves it."""
        body = self._docx.render_xml_part(self._body, None, context, self._compiling)
        tree = self._docx.fix_tables(body)
        self._docx.docx_ids_index = 1000
        self._docx.fix_docpr_ids(tree)
        document = parse_xml(self._document_xml)
        document.replace(document.body, tree)
        return serialize_part_xml(document)

    def _render_whole(self, context: dict) -> bytes:
        docx = DocxTemplate(self.path)
        docx.render(context, jinja_env=self.env, autoescape=True)
        out = BytesIO()
        docx.save(out)
        return out.getvalue()

    def _uses_other_parts(self) -> bool:
        properties = self._docx.docx.core_properties
        texts = [getattr(properties, name) or "" for name in ("author", "comments", "identifier", "language",
                                                                "subject", "title")]
        footnotes = any(part.content_type == _FOOTNOTES for part in self._docx.docx.part.package.parts)
        return footnotes or any(_TEMPLATE_SYNTAX.search(text) for text in texts)

    def _untouched_parts(self) -> bytes:
        """The template package without the parts rendered per document, as a zip to add them to."""
        rendered = {self._document_name, *self._parts}
        out = BytesIO()
        with zipfile.ZipFile(self.path) as source, zipfile.ZipFile(out, "w") as package:
            for entry in source.infolist():
                if entry.filename not in rendered:
                    package.writestr(entry, source.read(entry), compress_type=entry.compress_type)
        return out.getvalue()


def _zip_name(partname: str) -> str:
    return str(partname).lstrip("/")


@cache
def word_template(path: Path, env: Environment) -> WordTemplate:
    """The template at `path`, read and compiled the first time it is asked for in this process."""
    return WordTemplate(path, env)
