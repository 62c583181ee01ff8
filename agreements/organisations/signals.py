"""What organisations ask the packages above them. They connect receivers; organisations imports none of them.

Each is sent with the organisation or network as its sender.
"""

from blinker import Namespace

_signals = Namespace()

#: Asks for the organisation's memberships, by the member's name and then role: each receiver returns a list.
organisation_members = _signals.signal("organisation-members")

#: Asks for the users who coordinate the network, by name: each receiver returns a list.
network_coordinators = _signals.signal("network-coordinators")
