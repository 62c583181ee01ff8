"""App tier: the home page, which gathers what every domain has waiting for the user."""
