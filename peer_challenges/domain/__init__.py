"""Vocabularies and rules every layer shares: dates, status words, LGA norms, core themes, taxonomy, paths, errors. Imports nothing else of the project."""
