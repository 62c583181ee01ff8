"""Filling a template: the context a document sees, sandboxed docxtpl rendering and an HTML preview.

docxtpl always runs with a SandboxedEnvironment and autoescape: without the sandbox a template could run
code, and without autoescape a ``<`` or ``&`` in a value would silently corrupt the document.

Every render is bounded (see RenderLimits): the environment is compiled so that each loop step, each piece
of output and each value a template builds is counted against one budget per render, which stops the render
with RenderLimitExceeded when the CPU time, the loop steps, the output or a value's size passes its limit.

The environment is made once per process (it holds no state of a render: each render's budget is in a
context variable), and a stored template's parts are patched and compiled by Jinja once per process and
template (PreparedTemplate, kept by the SHA-256 of the template's bytes, a bounded number of them): the
same bytes always compile to the same code, so a kept one can never give another template's document.
"""

import hashlib
import io
import re
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import takewhile
from typing import TYPE_CHECKING

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from jinja2 import StrictUndefined, Undefined, nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from agreements.templates_lib.fields import document_value, format_date, label

if TYPE_CHECKING:  # python-docx and docxtpl load with the first document made, not in every web worker
    from docx.table import Table
    from docx.text.paragraph import Paragraph

#: The package format allows no filter but ``default``; any other one is a template syntax error.
ALLOWED_FILTERS = ("default", "d")
KIND_TITLES = {
    "fi": {"workshop": "työpaja", "provider": "koulutuksen järjestäjä"},
    "sv": {"workshop": "verkstad", "provider": "utbildningsanordnare"},
}


@dataclass(frozen=True)
class RenderLimits:
    """How much one render may take: CPU seconds of the rendering thread, loop steps, characters of output.

    Memory is bounded through the same numbers: no text or list a template builds may be longer than the
    output limit, and no number it computes longer than MAX_INTEGER_BITS.
    """

    cpu_seconds: float = 10.0
    max_iterations: int = 200_000
    max_output_chars: int = 20_000_000

    @classmethod
    def configured(cls) -> "RenderLimits":
        """The limits set in the app's configuration (TEMPLATE_RENDER_*), the defaults outside an app."""
        if not has_app_context():
            return cls()
        config = current_app.config
        return cls(
            cpu_seconds=config.get("TEMPLATE_RENDER_CPU_SECONDS", cls.cpu_seconds),
            max_iterations=config.get("TEMPLATE_RENDER_MAX_ITERATIONS", cls.max_iterations),
            max_output_chars=config.get("TEMPLATE_RENDER_MAX_OUTPUT_CHARS", cls.max_output_chars),
        )


#: Largest integer a template may compute; squaring a number again and again passes it after a few steps.
MAX_INTEGER_BITS = 256
#: Loop steps and output pieces between two looks at the CPU clock.
_CLOCK_EVERY = 256
LIMIT_MESSAGES = {
    "cpu_time": _l(
        "Filling the template “%(template)s” took more than %(limit)s seconds of processing time, the limit."
    ),
    "iterations": _l("The template “%(template)s” repeats its loops more than %(limit)s times, the limit."),
    "output": _l("The template “%(template)s” produces more than %(limit)s characters of text, the limit."),
    "value_size": _l("The template “%(template)s” computes a text, list or number larger than allowed."),
}


class RenderLimitExceeded(RuntimeError):
    """A render stopped at one of its limits; ``limit`` names which (a key of LIMIT_MESSAGES)."""

    def __init__(self, limit: str, amount, template: str = ""):
        self.limit, self.amount, self.template = limit, amount, template
        super().__init__(f"{template}: {limit} over {amount}")

    def named(self, template: str) -> "RenderLimitExceeded":
        """The same error naming ``template``, the title of the template whose render it stopped."""
        return RenderLimitExceeded(self.limit, self.amount, template)

    @property
    def message(self) -> str:
        """The translated message naming the template and the limit it passed."""
        return str(LIMIT_MESSAGES[self.limit]) % {"template": self.template, "limit": self.amount}


class RenderBudget:
    """What one render has used so far of its limits."""

    def __init__(self, limits: RenderLimits):
        self.limits = limits
        self.deadline = time.thread_time() + limits.cpu_seconds
        self.iterations = self.output = 0

    def step(self) -> None:
        """Count one loop step."""
        self.iterations += 1
        if self.iterations > self.limits.max_iterations:
            raise RenderLimitExceeded("iterations", self.limits.max_iterations)
        if not self.iterations % _CLOCK_EVERY:
            self.check_time()

    def write(self, text) -> None:
        """Count a piece of output."""
        self.output += len(text)
        if self.output > self.limits.max_output_chars:
            raise RenderLimitExceeded("output", self.limits.max_output_chars)

    def check_time(self) -> None:
        """Stop the render when its thread has used up its CPU time."""
        if time.thread_time() > self.deadline:
            raise RenderLimitExceeded("cpu_time", self.limits.cpu_seconds)

    def check_size(self, value):
        """``value`` itself, when it is no larger than a template may build."""
        if isinstance(value, int) and value.bit_length() > MAX_INTEGER_BITS:
            raise RenderLimitExceeded("value_size", f"{MAX_INTEGER_BITS} bits")
        if isinstance(value, str | list | tuple) and len(value) > self.limits.max_output_chars:
            raise RenderLimitExceeded("value_size", self.limits.max_output_chars)
        return value


class CountedBuffer(list):
    """The output buffer of a block (``{% set %}…{% endset %}``, ``{% filter %}``), counted as output."""

    def __init__(self, budget: RenderBudget):
        super().__init__()
        self.budget = budget

    def append(self, text) -> None:
        self.budget.write(text)
        super().append(text)

    def extend(self, texts) -> None:
        for text in texts:
            self.append(text)


class BoundedCodeGenerator(CodeGenerator):
    """Jinja's code, with every loop's steps counted, every ``~`` result sized and block buffers counted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loop_iterables: set[int] = set()

    def visit(self, node: nodes.Node, *args, **kwargs):
        if id(node) not in self.loop_iterables:
            return super().visit(node, *args, **kwargs)
        self.write("environment.counted(")
        super().visit(node, *args, **kwargs)
        self.write(")")
        return None

    def visit_For(self, node: nodes.For, frame) -> None:
        self.loop_iterables.add(id(node.iter))
        super().visit_For(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame) -> None:
        self.write("environment.sized(")
        super().visit_Concat(node, frame)
        self.write(")")

    def buffer(self, frame) -> None:
        super().buffer(frame)
        self.writeline(f"{frame.buffer} = environment.counted_buffer()")


#: The budget of the render running in this context (thread); the environments read it from here.
_BUDGET: ContextVar[RenderBudget] = ContextVar("render_budget")


@contextmanager
def render_budget(limits: RenderLimits | None = None) -> Iterator[RenderBudget]:
    """A new budget for one document within ``limits`` (the configured ones by default), counted by every
    render in the block."""
    budget = RenderBudget(limits or RenderLimits.configured())
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


class DocumentEnvironment(SandboxedEnvironment):
    """The sandbox without method calls, sequence repetition and powers, with which a template could
    exhaust memory or CPU (``{{ name.ljust(10**10) }}``, ``{{ "x" * 10**10 }}``); numbers still multiply.

    It renders only within a budget (``render_budget``): every loop step, output piece and built value is
    counted in the budget of the render running, which is one document (all its parts). Outside one, a
    template that loops or writes fails (LookupError) rather than running unbounded.
    """

    intercepted_binops = frozenset({"*", "**", "+", "%"})
    code_generator_class = BoundedCodeGenerator

    @property
    def budget(self) -> RenderBudget:
        """The budget of the render running."""
        return _BUDGET.get()

    def is_safe_callable(self, obj) -> bool:
        return False

    def call_binop(self, context, operator, left, right):
        numbers = all(isinstance(value, int | float) for value in (left, right))
        if operator == "**" or (operator in ("*", "%") and not numbers):
            raise SecurityError(f"the operator {operator} is not allowed here")
        if operator == "*" and _bits(left) + _bits(right) > MAX_INTEGER_BITS:
            raise RenderLimitExceeded("value_size", f"{MAX_INTEGER_BITS} bits")
        return self.sized(super().call_binop(context, operator, left, right))

    def counted(self, iterable: Iterable) -> Iterator:
        """``iterable``, each step counted."""
        for item in iterable:
            self.budget.step()
            yield item

    def sized(self, value):
        """``value``, when no larger than a template may build (the result of ``~``, ``+`` and ``*``)."""
        return self.budget.check_size(value)

    def counted_buffer(self) -> CountedBuffer:
        """A new block buffer counted in this render's budget."""
        return CountedBuffer(self.budget)

    def concat(self, pieces: Iterable) -> str:
        """A template's output joined, each piece counted (Template.render joins with this)."""
        counted = []
        for piece in pieces:
            self.budget.write(piece)
            if not len(counted) % _CLOCK_EVERY:
                self.budget.check_time()
            counted.append(piece)
        return "".join(counted)


def _bits(number) -> int:
    return number.bit_length() if isinstance(number, int) else 0


@cache
def sandboxed_environment(strict: bool = False) -> DocumentEnvironment:
    """The only Jinja environment documents are rendered in: sandboxed, autoescaping, without globals,
    counting in the budget of the render running (``render_budget``). One per process for each ``strict``.

    ``strict`` makes any undefined or unsafe lookup an error, which is how uploaded templates are tested.
    """
    environment = DocumentEnvironment(autoescape=True, undefined=StrictUndefined if strict else Undefined)
    environment.globals.clear()
    environment.filters = {name: environment.filters[name] for name in ALLOWED_FILTERS}
    return environment


def is_heading_1(paragraph: "Paragraph") -> bool:
    """True for a paragraph in Word's built-in "Heading 1" style, which starts a section."""
    return paragraph.style is not None and paragraph.style.name == "Heading 1"


def party_data(organisation: dict, language: str) -> dict:
    """A party as documents see it; ``organisation`` holds name, business_id, municipality, region, kind."""
    return {**organisation, "kind_title": KIND_TITLES[language][organisation["kind"]]}


def build_context(
    header: dict, parties: list[dict], values: dict, manifest: dict, language: str, today: date
) -> dict:
    """Everything a document may use: the agreement's own data, its parties and the declared fields."""
    party_dicts = [party_data(party, language) for party in parties]
    end_date = header.get("end_date")
    context = {
        "agreement": {
            "reference": header["reference"],
            "title": header["title"],
            "start_date": format_date(header["start_date"].isoformat()),
            "end_date": format_date(end_date.isoformat()) if end_date else "",
            "open_ended": end_date is None,
            "notice_period_months": header["notice_period_months"],
            "auto_renew": header["auto_renew"],
        },
        "parties": party_dicts,
        "workshop": next((p for p in party_dicts if p["kind"] == "workshop"), None),
        "providers": [p for p in party_dicts if p["kind"] == "provider"],
        "today": format_date(today.isoformat()),
    }
    for field in manifest["fields"]:
        context[field["key"]] = document_value(field, values.get(field["key"]), language)
    return context


def render_docx(
    template_bytes: bytes, context: dict, strict: bool = False, limits: RenderLimits | None = None
) -> bytes:
    """Fill a .docx template with ``context`` (plain dicts only) and return the document's bytes.

    Raises RenderLimitExceeded when the render passes ``limits`` (the configured ones by default). A
    template rendered leniently (a stored one) is compiled once and kept (``PreparedTemplates``); a strict
    render (the upload check of a template not yet stored) compiles its own and keeps nothing.
    """
    from agreements.templates_lib.compiled import PREPARED, CompiledDocxTemplate, PreparedTemplate

    key = hashlib.sha256(template_bytes).hexdigest()
    prepared = PreparedTemplate() if strict else PREPARED.get(key)
    with render_budget(limits) as budget:
        document = CompiledDocxTemplate(template_bytes, prepared)
        document.render(context, jinja_env=sandboxed_environment(strict), autoescape=True)
        budget.check_time()
    if not strict:
        PREPARED.keep(key, prepared)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def document_sections(docx_bytes: bytes, manifest: dict, language: str) -> list[dict]:
    """The rendered document split at its section headings, for the HTML preview.

    Returns the preamble (key None) and one entry per manifest section: key, title and blocks, where a
    block is ("p", text) or ("table", {"header": rows, "body": rows}) with rows of cell texts; header rows
    are the leading rows the .docx marks to repeat as table headers.
    """
    from docx import Document
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    titles = {label(section["title"], language): section["key"] for section in manifest["sections"]}
    sections = [{"key": None, "title": "", "blocks": []}]
    document = Document(io.BytesIO(docx_bytes))
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text in titles and is_heading_1(block):  # the style lookup is slow; the text test is not
                sections.append({"key": titles[text], "title": text, "blocks": []})
            elif text:
                sections[-1]["blocks"].append(("p", block.text))
        elif isinstance(block, Table):
            sections[-1]["blocks"].append(("table", _table_rows(block)))
    return sections


def _table_rows(table: "Table") -> dict:
    """A table's cell texts, split into its header rows and the rest."""
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    header_count = sum(1 for _row in takewhile(_is_header_row, table.rows))
    return {"header": rows[:header_count], "body": rows[header_count:]}


def _is_header_row(row) -> bool:
    """True for a row marked "repeat as header row" (w:tblHeader) in Word."""
    from docx.oxml.ns import qn

    properties = row._tr.trPr
    marker = properties.find(qn("w:tblHeader")) if properties is not None else None
    return marker is not None and marker.get(qn("w:val"), "true") not in ("0", "false")


#: Characters XML 1.0 cannot hold; a pasted comment, a name or a user agent may contain them.
_NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def word_text(value: str | None) -> str:
    """Text that a Word document can hold: characters XML 1.0 cannot are left out."""
    return _NOT_IN_XML.sub("", value or "")
