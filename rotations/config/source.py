"""YAML loading that remembers where every node came from, so errors can name file:line:column."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from rotations.reading import TooBig, read_file

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
class ConfigProblem:
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

    def __init__(self, problems: list[ConfigProblem]) -> None:
        self.problems = sorted(problems, key=_problem_order)
        super().__init__("\n".join(str(p) for p in self.problems))


def _problem_order(problem: ConfigProblem) -> tuple:
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
    files: list[Path] = field(default_factory=list)  # every file read, the program file first

    def find(self, path: Path_) -> Position | None:
        """The position of `path`, or of its nearest written ancestor."""
        path = tuple(path)
        while True:
            if path in self.positions:
                return self.positions[path]
            if not path:
                return None
            path = path[:-1]

    def problem(self, path: Path_, message: str) -> ConfigProblem:
        return ConfigProblem(self.find(path), format_path(path), message)


_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$")
_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


# Bounds on what a program file may be. A real program is a few hundred lines; these are far
# above any (the largest benchmark, 250 fellows, is 62 kB and 8,200 values, read in 0.75 s) and
# keep a hostile or mistaken file (a log, a binary, a YAML alias bomb) from taking the machine's
# memory or minutes of its time.
MAX_FILE_BYTES = 1_000_000
MAX_VALUES = 200_000  # after expanding aliases
MAX_DEPTH = 32


# Characters YAML does not allow in a document (YAML 1.1, 5.1): C0 controls but tab and line
# breaks, DEL, C1 controls but NEL, surrogates, U+FFFE and U+FFFF.
_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class _TooBig(Exception):
    """The document expands past MAX_VALUES or MAX_DEPTH: stop reading it."""


class _Reader:
    """Turns one YAML file into plain Python values plus a SourceMap."""

    def __init__(self, file: Path, display: str, source: SourceMap, problems: list[ConfigProblem]):
        self.file = file
        self.display = display
        self.source = source
        self.problems = problems
        self.lines: list[str] = []

    def position(self, node: yaml.Node) -> Position:
        mark = node.start_mark
        return Position(self.display, mark.line + 1, mark.column + 1)

    def fail(self, position: Position | None, message: str) -> None:
        self.problems.append(ConfigProblem(position, "", message))

    def read(self) -> Any:
        text = self.text()
        if text is None:
            return None
        self.lines = text.splitlines()
        bad = _NOT_YAML.search(text)
        if bad:
            code = ord(bad[0])
            what = f"the character U+{code:04X}" if code else "a NUL byte (is this a binary file?)"
            self.fail(
                self.offset_position(text, bad.start()),
                f"the file contains {what}, which YAML does not allow: remove it",
            )
            return None
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            pos = Position(self.display, mark.line + 1, mark.column + 1) if mark else None
            what = exc.problem or exc.context or "invalid YAML"
            self.fail(pos, f"this is not valid YAML: {what}")
            return None
        except RecursionError:
            self.fail(None, f"{self.display} is nested too deeply to be a program file")
            return None
        finally:
            loader.dispose()
        if node is None:
            return {}
        self.loader = yaml.SafeLoader("")
        try:
            if _expanded_size(node, {}, set()) > MAX_VALUES:
                raise _TooBig(
                    f"the document expands to more than {MAX_VALUES:,} values (aliases such as "
                    "*name repeat what they point to): this is not a program file"
                )
            return self.convert(node, (), ())
        except _TooBig as exc:
            self.fail(self.position(node), str(exc))
            return None

    def text(self) -> str | None:
        """The file as text, or None after saying why it cannot be read."""
        try:
            data = read_file(self.file, MAX_FILE_BYTES)
        except TooBig as big:
            self.fail(
                None,
                f"{self.display} is {big.size / 1e6:.1f} MB; a program file is at most "
                f"{MAX_FILE_BYTES // 1_000_000} MB: is it the right file?",
            )
            return None
        except OSError as exc:
            self.fail(None, f"cannot read {self.display}: {exc.strerror}")
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            self.fail(
                Position(self.display, line, column),
                f"byte 0x{data[exc.start]:02X} is not UTF-8 text: save the file as UTF-8 "
                "(most editors: Save with Encoding, UTF-8)",
            )
            return None

    def offset_position(self, text: str, offset: int) -> Position:
        line = text.count("\n", 0, offset) + 1
        return Position(self.display, line, offset - (text.rfind("\n", 0, offset) + 1) + 1)

    def convert(self, node: yaml.Node, path: Path_, parents: tuple[yaml.Node, ...]) -> Any:
        if len(parents) > MAX_DEPTH:
            raise _TooBig(f"the document is nested more than {MAX_DEPTH} levels deep")
        if any(node is parent for parent in parents):
            self.problems.append(
                ConfigProblem(self.position(node), format_path(path), "an alias refers to itself")
            )
            return None
        self.source.positions.setdefault(path, self.position(node))
        inside = (*parents, node)
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    self.problems.append(
                        ConfigProblem(
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
                        ConfigProblem(
                            self.position(key_node),
                            format_path(child),
                            f"duplicate key '{key}' (first written at line {first.line}); "
                            "YAML would silently keep only the last one: remove one of them",
                        )
                    )
                    continue
                self.source.positions[child] = self.position(key_node)
                self.comment_as_value(key_node, value_node, child)
                out[key] = self.convert(value_node, child, inside)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(item, (*path, i), inside) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def comment_as_value(self, key_node: yaml.Node, value_node: yaml.Node, path: Path_) -> None:
        """`color: #FF0000` leaves the key empty: YAML reads an unquoted # as a comment."""
        if not (isinstance(value_node, yaml.ScalarNode) and value_node.value == ""):
            return
        if value_node.style is not None or key_node.end_mark.line >= len(self.lines):
            return
        rest = self.lines[key_node.end_mark.line][key_node.end_mark.column :]
        match = re.match(r":\s+#(\S+)", rest)
        if match:
            word = "#" + match[1]
            self.problems.append(
                ConfigProblem(
                    self.position(key_node),
                    format_path(path),
                    f"the value is empty: YAML reads {word} as a comment; "
                    f'quote it: {path[-1]}: "{word}"',
                )
            )

    def scalar(self, node: yaml.ScalarNode, path: Path_) -> Any:
        plain = node.style is None
        if plain and node.tag in (_INT_TAG, _FLOAT_TAG) and _SEXAGESIMAL.match(node.value):
            value = self.loader.construct_object(node)
            self.problems.append(
                ConfigProblem(
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
                ConfigProblem(
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


def _expanded_size(node: yaml.Node, sizes: dict[int, int], open_: set[int]) -> int:
    """How many values the node stands for once every alias is expanded (a node that contains
    itself counts once: the reader reports it). Counted over distinct nodes, so instantly."""
    key = id(node)
    if key in sizes:
        return sizes[key]
    if key in open_ or isinstance(node, yaml.ScalarNode):
        return 1
    open_.add(key)
    children = (
        [child for pair in node.value for child in pair]
        if isinstance(node, yaml.MappingNode)
        else node.value
    )
    total = 1
    for child in children:
        total += _expanded_size(child, sizes, open_)
        if total > MAX_VALUES:
            break
    open_.discard(key)
    sizes[key] = total
    return total


def read_yaml(file: Path, problems: list[ConfigProblem]) -> tuple[Any, SourceMap]:
    """Read one YAML file into plain values and the positions of its nodes."""
    source = SourceMap()
    value = _Reader(file, display_name(file), source, problems).read()
    return value, source


def display_name(file: Path) -> str:
    try:
        return str(file.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(file)
