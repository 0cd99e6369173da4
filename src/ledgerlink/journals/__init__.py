"""Journals from the ERP: accepted, validated and mapped, posted to Exact Online exactly once."""
