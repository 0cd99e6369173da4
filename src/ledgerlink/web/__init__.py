"""The page shell: base template, menu and Quick search registries, static files.

Apps register their menu entries and search providers here; this package imports no domain app.
"""
