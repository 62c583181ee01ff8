"""Signature views: sending a version for signature, the request's page, signing, declining, paper copies,
withdrawing, and the frozen documents."""
