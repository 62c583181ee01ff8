"""Reading pages as a person or a browser would: the text shown, the values a form would send."""

import html
from html.parser import HTMLParser


def page_text(response) -> str:
    """The response's HTML with entities decoded, as a reader sees the characters."""
    return html.unescape(response.get_data(as_text=True))


class _FormReader(HTMLParser):
    """Collects what a browser would send for the page's own POST form, without pressing any button."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self.in_post_form = False
        self.select, self.multiple, self.first_option = None, False, None
        self.textarea = None

    def _add(self, name, value):
        self.values.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            # the page's own form posts back to the page; the language and logout forms name an action
            self.in_post_form = attrs.get("method", "get").lower() == "post" and "action" not in attrs
        if not self.in_post_form or ("name" not in attrs and tag != "option"):
            return
        if tag == "input" and attrs.get("type", "text") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(attrs["name"], attrs.get("value", "y"))
            else:
                self._add(attrs["name"], attrs.get("value", ""))
        elif tag == "select":
            self.select, self.multiple, self.first_option = attrs["name"], "multiple" in attrs, None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = attrs.get("value", "")
            if "selected" in attrs:
                self._add(self.select, attrs.get("value", ""))
        elif tag == "textarea":
            self.textarea = attrs["name"]
            self._add(self.textarea, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_post_form = False
        elif tag == "select":
            if not self.multiple and self.select not in self.values:  # nothing selected: the first option
                self._add(self.select, self.first_option or "")
            self.select = None
        elif tag == "textarea":
            # browsers drop the newline that follows <textarea>
            text = self.values[self.textarea][-1]
            self.values[self.textarea][-1] = text[2:] if text.startswith("\r\n") else text.removeprefix("\n")
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.values[self.textarea][-1] += data


def form_values(response) -> dict:
    """The page's POST form as the browser would submit it: {name: value or [values]}."""
    reader = _FormReader()
    reader.feed(response.get_data(as_text=True))
    values = {}
    for name, items in reader.values.items():
        values[name] = items if len(items) > 1 or name == "party_ids" else items[0]
    values.pop("csrf_token", None)  # the client adds a fresh one
    return values
