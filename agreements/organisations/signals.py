"""What organisations ask the packages above them. They connect receivers; organisations imports none of them.

Each is sent with the organisation or network as its sender.
"""

from blinker import Namespace

_signals = Namespace()

#: Asks for the organisation's memberships, by the member's name and then role: each receiver returns a list.
organisation_members = _signals.signal("organisation-members")

#: Asks which further pages about the organisation the user (``user=``) may open, such as its members page:
#: each receiver returns a list of (label, URL).
organisation_pages = _signals.signal("organisation-pages")

#: Asks for the users who coordinate the network, by name: each receiver returns a list.
network_coordinators = _signals.signal("network-coordinators")
