"""Stored .docx templates compiled once per process: docxtpl's template with each part's patched source
compiled by Jinja the first time and kept (PreparedTemplate), the most recently used ones kept by the SHA-256
of the template's bytes (PreparedTemplates, bounded).

Its own module, imported by ``rendering.render_docx`` when the first document is made, so that python-docx and
docxtpl load in the processes that make documents, not in every web worker.
"""

import io
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import partial

from docxtpl import DocxTemplate
from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment


class PreparedTemplate:
    """A .docx template's parts (body, headers, footers, footnotes, properties) as docxtpl patches them and
    Jinja compiles them in the lenient environment, each made the first time it is rendered."""

    def __init__(self) -> None:
        self.parts: dict[str, Template] = {}
        #: Characters of source compiled, a measure of the memory the compiled parts take.
        self.size = 0

    def compiled(self, key: str, environment: SandboxedEnvironment, source: Callable[[], str]) -> Template:
        """The part named ``key`` compiled, from ``source()`` the first time."""
        template = self.parts.get(key)
        if template is None:
            text = source()
            template = self.parts[key] = environment.from_string(text)
            self.size += len(text)
        return template


class PreparedTemplates:
    """The prepared templates of this process by the SHA-256 of their bytes: the most recently used ones,
    at most ``count`` of them and ``size`` characters of compiled source together."""

    def __init__(self, count: int, size: int) -> None:
        self.count, self.size = count, size
        self.kept: OrderedDict[str, PreparedTemplate] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str) -> PreparedTemplate:
        """The template kept for ``key``, else a new one (kept by ``keep`` once it has rendered)."""
        with self.lock:
            return self.kept.get(key) or PreparedTemplate()

    def keep(self, key: str, prepared: PreparedTemplate) -> None:
        """Keep ``prepared`` as the most recently used; the least recently used go past the bounds."""
        with self.lock:
            self.kept[key] = prepared
            self.kept.move_to_end(key)
            while len(self.kept) > self.count or sum(kept.size for kept in self.kept.values()) > self.size:
                self.kept.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.kept.clear()


#: Templates kept compiled per process: every shipped template in both languages five times over, and a
#: bound on their memory. A compiled template takes about 20 bytes per character of its source (a shipped
#: one 22,000-42,000 characters, 0.6 MB), so at most about 40 MB; a template larger than the bound is
#: compiled for each render, as before.
PREPARED = PreparedTemplates(count=32, size=2_000_000)


class CompiledDocxTemplate(DocxTemplate):
    """docxtpl's template, each part's patched source compiled once (``prepared``) instead of per render.

    The steps are docxtpl 0.20's (``render_xml_part``, ``build_xml``, ``build_headers_footers_xml``,
    ``render_properties``, ``render_footnotes``), with ``jinja_env.from_string`` taken from ``prepared``;
    the test suite compares the documents with docxtpl's own render.
    """

    def __init__(self, template_bytes: bytes, prepared: PreparedTemplate):
        super().__init__(io.BytesIO(template_bytes))
        self.prepared = prepared

    def compiled_part(self, key: str, jinja_env, source: Callable[[], str]) -> Template:
        """The part compiled as ``render_xml_part`` would compile ``source()``."""
        return self.prepared.compiled(key, jinja_env, lambda: re.sub(r"<w:p([ >])", r"\n<w:p\1", source()))

    def render_compiled(self, template: Template, part, context: dict) -> str:
        """The rest of ``render_xml_part``: the part rendered and turned back into Word's XML."""
        self.current_rendering_part = part
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", template.render(context))
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
        # resolve_listing turns tabs, line and page breaks in text into Word's; a part without any (a
        # footer, a document without multi-line values) it leaves as it is, after regular expressions
        # over every paragraph, run and text.
        return self.resolve_listing(xml) if _LISTING_CHARACTERS.search(xml) else xml

    def build_xml(self, context, jinja_env=None):
        template = self.compiled_part("body", jinja_env, lambda: self.patch_xml(self.get_xml()))
        return self.render_compiled(template, self.docx._part, context)

    def build_headers_footers_xml(self, context, uri, jinja_env=None):
        # docxtpl encodes in the XML declaration's encoding, but get_part_xml's text never has one: UTF-8.
        for rel_key, part in self.get_headers_footers(uri):
            source = partial(self._patched_part_xml, part)
            template = self.compiled_part(str(part.partname), jinja_env, source)
            yield rel_key, self.render_compiled(template, part, context).encode("utf-8")

    def _patched_part_xml(self, part) -> str:
        return self.patch_xml(self.get_part_xml(part))

    def render_properties(self, context, jinja_env=None) -> None:
        properties = self.docx.core_properties
        for name in ("author", "comments", "identifier", "language", "subject", "title"):
            source = partial(getattr, properties, name)
            template = self.prepared.compiled(f"property {name}", jinja_env, source)
            setattr(properties, name, template.render(context))

    def render_footnotes(self, context, jinja_env=None) -> None:
        # docxtpl renders the footnotes once per section, the second time its own output; once is right.
        for part in self.docx.part.package.parts:
            if part.content_type == FOOTNOTES_TYPE:
                source = partial(self._patched_blob, part)
                template = self.compiled_part(str(part.partname), jinja_env, source)
                part._blob = self.render_compiled(template, part, context).encode("utf-8")

    def _patched_blob(self, part) -> str:
        blob = part.blob
        return self.patch_xml(blob.decode("utf-8") if isinstance(blob, bytes) else blob)


#: The characters docxtpl's resolve_listing replaces in a part's text.
_LISTING_CHARACTERS = re.compile("[\t\a\n\f]")
FOOTNOTES_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
