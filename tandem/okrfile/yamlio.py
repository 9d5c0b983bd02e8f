"""YAML reading that remembers where every mapping and key stood in the file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import yaml

# The C parser is several times faster on large files; the pure-Python one is the fallback.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineDict(dict[Any, Any]):
    """A mapping read from YAML, with the 1-based line of the mapping and of each key."""

    __slots__ = ("key_lines", "line")

    def __init__(self) -> None:
        super().__init__()
        self.line = 0
        self.key_lines: dict[Any, int] = {}


class _LineLoader(_BaseLoader):  # type: ignore[valid-type,misc]
    def construct_line_map(self, node: yaml.MappingNode) -> Iterator[LineDict]:
        data = LineDict()
        data.line = node.start_mark.line + 1
        yield data
        data.update(self.construct_mapping(node))
        data.key_lines = {
            key.value: key.start_mark.line + 1
            for key, _ in node.value
            if isinstance(key, yaml.ScalarNode)
        }

    def construct_lenient_timestamp(self, node: yaml.ScalarNode) -> Any:
        # `2026-02-30` matches YAML's date pattern but is no date: keep the text so that
        # validation reports it against its field and line instead of aborting the whole read.
        try:
            return self.construct_yaml_timestamp(node)
        except ValueError:
            return str(node.value)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_line_map)
# YAML 1.1 wants a dot in a float; JSON (and YAML 1.2) write 1e-05 and 1e+21 without one.
_LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)
_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_lenient_timestamp)


def read_yaml(text: str) -> Any:
    """Parse one YAML document; raises ``yaml.YAMLError`` (with a mark) on bad syntax."""
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass


def line_of(data: Any, loc: tuple[int | str, ...]) -> tuple[int | None, str | None]:
    """The line of the deepest mapping or key on ``loc``, and the innermost enclosing id.

    ``loc`` is a pydantic error location; parts that are not in the data (such as the tags of
    a tagged union) are skipped.
    """
    line: int | None = data.line if isinstance(data, LineDict) else None
    found_id: str | None = None
    node = data
    for part in loc:
        if isinstance(node, LineDict):
            if isinstance(node.get("id"), str):
                found_id = node["id"]
            if part in node:
                line = node.key_lines.get(part, node.line)
                node = node[part]
            continue
        if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            if isinstance(node, LineDict):
                line = node.line
    if isinstance(node, LineDict) and isinstance(node.get("id"), str):
        found_id = node["id"]
    return line, found_id
