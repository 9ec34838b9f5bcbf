"""Library warnings stay out of what an operator reads; the pipeline's and Prefect's log lines stay in.

The parsers complain about the files they read (pdfminer: "Refusing to execute
circular reference to content stream 6"): what that means for an application
is a finding in its result, and the line itself, without a file or a
submission, only hides the lines that matter. Both the command and the
parsing children (pipeline/warmup.py) call `silence_libraries`.
"""
from __future__ import annotations

import logging
import warnings

OWN_LOGGERS = frozenset({"pipeline", "extractors", "checks", "samples", "prefect", "uvicorn", "fastapi"})


class OwnLines(logging.Filter):
    """Passes the records of our loggers and Prefect's (its server's too); a library's only when critical."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.name.partition(".")[0] in OWN_LOGGERS or record.levelno >= logging.CRITICAL


def silence_libraries() -> None:
    """Python warnings off, and every handler that prints (the last-resort one included) keeps to our lines."""
    warnings.simplefilter("ignore")
    for handler in (*logging.getLogger().handlers, logging.lastResort):
        if handler is not None and not any(isinstance(f, OwnLines) for f in handler.filters):
            handler.addFilter(OwnLines())
