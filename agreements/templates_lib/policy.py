"""Who may manage agreement templates."""

from agreements.core.access import can_administer


def can_manage_template(user, template_or_version) -> bool:
    """National administrators see, upload and (de)activate agreement templates and their versions."""
    return can_administer(user)
