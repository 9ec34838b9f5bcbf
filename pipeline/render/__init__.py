"""Rendering of the outputs a person reads: summaries, the batch overview, the draft letter, the schema.

Plain Python (no Prefect): every function takes a Result and returns str or bytes;
the pipeline writes the files.
"""
