"""An imported document merged into the document of what Tandem holds: entries by id, fields
the import gives replacing the old ones, members and key results added to."""

from __future__ import annotations

from typing import Any

SECTIONS = ("people", "teams", "cycles", "objectives", "dependencies")


def merged_document(base: dict[str, Any] | None, imported: dict[str, Any]) -> dict[str, Any]:
    if base is None:
        base = {"version": 1, "organization": imported["organization"]}
    document = {k: v for k, v in base.items() if k not in SECTIONS}
    for section in SECTIONS:
        entries = {e["id"]: dict(e) for e in base.get(section, [])}
        for entry in imported.get(section, []):
            old = entries.get(entry["id"])
            entries[entry["id"]] = _merged(section, old, entry)
        document[section] = [_clean(e) for e in entries.values()]
    return document


def _merged(section: str, old: dict[str, Any] | None, new: dict[str, Any]) -> dict[str, Any]:
    new = {k: v for k, v in new.items() if v is not None}
    if old is None:
        return new
    result = old | new
    if section == "teams":
        result["members"] = list(dict.fromkeys([*old.get("members", []), *new.get("members", [])]))
    if section == "objectives":
        key_results = {kr["id"]: kr for kr in old.get("key_results", [])}
        for kr in new.get("key_results", []):
            key_results[kr["id"]] = key_results.get(kr["id"], {}) | kr
        result["key_results"] = list(key_results.values())
    return result


def _clean(entry: dict[str, Any]) -> dict[str, Any]:
    entry.pop("_partial", None)
    if not entry.get("members", True):
        entry.pop("members")
    return entry
