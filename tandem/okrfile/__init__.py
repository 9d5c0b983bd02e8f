"""The OKR file ("OKRs as code"): read and validate it into the core model."""

from tandem.okrfile.loader import (
    LoadedFile,
    OkrFileError,
    Problem,
    load_bytes,
    load_path,
    load_text,
)

__all__ = ["LoadedFile", "OkrFileError", "Problem", "load_bytes", "load_path", "load_text"]
