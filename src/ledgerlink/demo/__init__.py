"""The demo: seed data for `make run` and the command that starts everything for it."""
