"""Signatures: sending a frozen version for signature, signing or declining with evidence, certificates."""
