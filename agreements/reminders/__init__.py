"""Reminders: a record of every reminder sent, so none is sent twice."""
