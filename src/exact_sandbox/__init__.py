"""A local Exact Online for the demo, the tests and the benchmarks.

Imports nothing from ledgerlink or exactlink and no Django.
"""
