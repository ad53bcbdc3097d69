"""YAML loading that remembers where every node came from, so errors can name file:line:column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Position:
    """A place in a YAML file, 1-based like editors show it."""

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where, which key, and what to do."""

    position: Position | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.position}: " if self.position else ""
        key = f"{self.path}: " if self.path else ""
        return f"{where}{key}{self.message}"


class ConfigError(Exception):
    """The configuration is invalid; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=_problem_order)
        super().__init__("\n".join(str(p) for p in self.problems))


def _problem_order(problem: Problem) -> tuple:
    pos = problem.position
    return (pos.file, pos.line, pos.column) if pos else ("", 0, 0)


def format_path(path: Path_) -> str:
    """`("rules", 3, "type")` -> `rules[3].type`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class SourceMap:
    """Where each key path of the merged document was written."""

    positions: dict[Path_, Position] = field(default_factory=dict)
    plain_text: dict[Path_, str] = field(default_factory=dict)

    def find(self, path: Path_) -> Position | None:
        """The position of `path`, or of its nearest written ancestor."""
        path = tuple(path)
        while True:
            if path in self.positions:
                return self.positions[path]
            if not path:
                return None
            path = path[:-1]

    def problem(self, path: Path_, message: str) -> Problem:
        return Problem(self.find(path), format_path(path), message)


_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


class _Reader:
    """Turns one YAML file into plain Python values plus a SourceMap."""

    def __init__(self, file: Path, display: str, source: SourceMap, problems: list[Problem]):
        self.file = file
        self.display = display
        self.source = source
        self.problems = problems

    def position(self, node: yaml.Node) -> Position:
        mark = node.start_mark
        return Position(self.display, mark.line + 1, mark.column + 1)

    def read(self) -> Any:
        try:
            text = self.file.read_text(encoding="utf-8")
        except OSError as exc:
            self.problems.append(Problem(None, "", f"cannot read {self.display}: {exc.strerror}"))
            return None
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            pos = Position(self.display, mark.line + 1, mark.column + 1) if mark else None
            what = exc.problem or exc.context or "invalid YAML"
            self.problems.append(Problem(pos, "", f"this is not valid YAML: {what}"))
            return None
        finally:
            loader.dispose()
        if node is None:
            return {}
        self.loader = yaml.SafeLoader("")
        return self.convert(node, ())

    def convert(self, node: yaml.Node, path: Path_) -> Any:
        self.source.positions.setdefault(path, self.position(node))
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(
                        Problem(
                            self.position(key_node), format_path(path), "keys must be plain words"
                        )
                    )
                    continue
                key = self.loader.construct_object(key_node)
                key = key if isinstance(key, (str, int)) else str(key)
                child = (*path, key)
                if key in out:
                    first = self.source.positions.get(child)
                    self.problems.append(
                        Problem(
                            self.position(key_node),
                            format_path(child),
                            f"duplicate key '{key}' (first written at line {first.line}); "
                            "YAML would silently keep only the last one: remove one of them",
                        )
                    )
                    continue
                self.source.positions[child] = self.position(key_node)
                out[key] = self.convert(value_node, child)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        plain = node.style is None
        if plain and node.tag in (_INT_TAG, _FLOAT_TAG) and _SEXAGESIMAL.match(node.value):
            value = self.loader.construct_object(node)
            self.problems.append(
                Problem(
                    self.position(node),
                    format_path(path),
                    f"unquoted {node.value} is read by YAML as the number {value}; "
                    f'write times in quotes: "{node.value}"',
                )
            )
            return node.value
        try:
            value = self.loader.construct_object(node)
        except (yaml.constructor.ConstructorError, ValueError) as exc:
            self.problems.append(
                Problem(
                    self.position(node),
                    format_path(path),
                    f"cannot read '{node.value}': {exc}"
                    + ("; expected a date YYYY-MM-DD" if "timestamp" in node.tag else ""),
                )
            )
            return node.value
        if plain:
            self.source.plain_text[path] = node.value
        return value


def read_yaml(file: Path, problems: list[Problem]) -> tuple[Any, SourceMap]:
    """Read one YAML file into plain values and the positions of its nodes."""
    source = SourceMap()
    value = _Reader(file, _display_name(file), source, problems).read()
    return value, source


def _display_name(file: Path) -> str:
    try:
        return str(file.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(file)
