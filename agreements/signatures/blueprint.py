"""The signatures blueprint; its routes live in views.py (sending and signing), accession_views.py (a
commitment's joining), signer_views.py (replacing and reminding signers), certificate_views.py
(certificate of completion, verifying a file)."""

from flask import Blueprint

bp = Blueprint("signatures", __name__, url_prefix="/signatures")
