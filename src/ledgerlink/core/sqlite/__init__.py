"""SQLite as Django's backend, with the process's writers queued in the process (see ``base``)."""
