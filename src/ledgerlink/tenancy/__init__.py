"""Companies, their aliases and host names, users, licences, login and the audit log."""
