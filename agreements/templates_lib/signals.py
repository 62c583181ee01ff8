"""What the template library asks the packages above it. They connect receivers; it imports none of them."""

from blinker import Namespace

_signals = Namespace()

#: Asks how many agreements were drafted on each template version (the sender is None): each receiver
#: returns a mapping of template version id to count.
version_usage = _signals.signal("template-version-usage")
