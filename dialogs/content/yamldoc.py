"""YAML documents that remember where each key is, so diagnostics can point at a line."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import yaml

Loc = Sequence[str | int]
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


class _Loader(yaml.SafeLoader):
    """Safe loader that leaves dates as strings; the models parse and explain them."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class YamlProblem:
    """A parse problem at a 1-based line."""

    line: int
    message: str


@dataclass(frozen=True)
class YamlDoc:
    """Parsed YAML data with its node tree; ``offset`` maps YAML lines to file lines."""

    data: object
    node: yaml.Node | None
    offset: int = 0

    def line_of(self, loc: Loc) -> int:
        """The file line of the deepest key or item on ``loc`` that exists; 1 if none does."""
        line = 1
        node = self.node
        for part in loc:
            found = _child(node, part)
            if found is None:
                break
            line, node = found[0] + self.offset, found[1]
        return line


def parse_yaml(text: str, offset: int = 0) -> tuple[YamlDoc | None, list[YamlProblem]]:
    """Parse one YAML document; ``offset`` is added to 1-based YAML lines to get file lines."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 + offset if mark is not None else 1
        problem = exc.problem or exc.context or "invalid YAML"
        return None, [YamlProblem(line, f"YAML error: {problem}")]
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        return None, [YamlProblem(1, f"YAML error: {exc}")]
    finally:
        loader.dispose()
    problems = [
        YamlProblem(key.start_mark.line + 1 + offset, f"duplicate key '{key.value}'")
        for key in _duplicate_keys(node)
    ]
    return YamlDoc(data, node, offset), problems


def _child(node: yaml.Node | None, part: str | int) -> tuple[int, yaml.Node] | None:
    """The 1-based YAML line and node of one step of a location path."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key.start_mark.line + 1, value
    elif (
        isinstance(node, yaml.SequenceNode)
        and isinstance(part, int)
        and 0 <= part < len(node.value)
    ):
        item: yaml.Node = node.value[part]
        return item.start_mark.line + 1, item
    return None


def _duplicate_keys(node: yaml.Node | None) -> Iterator[yaml.ScalarNode]:
    """Keys that appear twice in the same mapping (PyYAML would silently keep the last)."""
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode):
                if key.value in seen:
                    yield key
                seen.add(key.value)
            yield from _duplicate_keys(value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _duplicate_keys(item)
