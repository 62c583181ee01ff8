"""The consent text a signatory accepts, versioned; its SHA-256 goes into the signature's evidence.

The texts live here rather than in the translation catalogues so that a signature's consent hash can
always be traced to the exact words shown: a change of wording is a new version, never an edit.
"""

import hashlib

CONSENT_VERSION = "2026-11"

#: The consent of each version, per interface language.
CONSENT_TEXTS = {
    "2026-11": {
        "fi": (
            "Allekirjoitan tämän sopimuksen sähköisesti edustamani organisaation puolesta. Vakuutan, "
            "että minulla on oikeus tehdä se, että olen lukenut yllä näytetyn asiakirjan ja että "
            "kirjoittamani nimi ja salasanani vahvistavat allekirjoitukseni. Hyväksyn, että palvelu "
            "tallentaa todisteeksi allekirjoitusajan, nimeni, organisaationi, IP-osoitteeni, selaimeni "
            "tunnisteen ja asiakirjan SHA-256-tiivisteen."
        ),
        "sv": (
            "Jag undertecknar detta avtal elektroniskt för den organisation jag företräder. Jag "
            "försäkrar att jag har rätt att göra det, att jag har läst dokumentet som visas ovan och "
            "att det namn jag skriver och mitt lösenord bekräftar min underskrift. Jag godkänner att "
            "tjänsten som bevis sparar tidpunkten, mitt namn, min organisation, min IP-adress, min "
            "webbläsares identifierare och dokumentets SHA-256-kontrollsumma."
        ),
        "en": (
            "I sign this agreement electronically on behalf of the organisation I represent. I confirm "
            "that I am entitled to do so, that I have read the document shown above, and that the name "
            "I type and my password confirm my signature. I accept that the service keeps as evidence "
            "the time of signing, my name, my organisation, my IP address, my browser's identifier and "
            "the document's SHA-256 hash."
        ),
    }
}


def consent_text(language: str, version: str = CONSENT_VERSION) -> str:
    """The consent of ``version`` in ``language`` (Finnish when there is no text in it)."""
    texts = CONSENT_TEXTS[version]
    return texts.get(language, texts["fi"])


def consent_sha256(language: str, version: str = CONSENT_VERSION) -> str:
    """SHA-256 of the consent text exactly as shown, UTF-8."""
    return hashlib.sha256(consent_text(language, version).encode()).hexdigest()
