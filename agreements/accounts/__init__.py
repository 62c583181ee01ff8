"""Users, their memberships and roles; login, invitations and password reset."""
