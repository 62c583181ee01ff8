"""National administrators manage users: accounts, memberships, coordinated networks and invitations."""
