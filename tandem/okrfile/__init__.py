"""The OKR file ("OKRs as code"): read and validate it into the core model."""

from tandem.okrfile.loader import LoadedFile, load_bytes, load_path, load_text
from tandem.okrfile.problems import OkrFileError, Problem

__all__ = ["LoadedFile", "OkrFileError", "Problem", "load_bytes", "load_path", "load_text"]
