"""`load_config`: YAML files -> a validated Config, or a ConfigError listing every problem."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from rotations.config import models, rules
from rotations.config.caselogs import Logged, read_case_log
from rotations.config.cases import Written, check_cases, read_cases
from rotations.config.references import check_references, partial_config
from rotations.config.source import (
    ConfigError,
    ConfigProblem,
    Path_,
    Position,
    SourceMap,
    display_name,
    read_yaml,
)
from rotations.reading import kind


def load_config(file: str | Path) -> models.Config:
    """Read, merge, validate and cross-check a program; raise ConfigError with every problem."""
    problems: list[ConfigProblem] = []
    file = Path(file)
    reading = _Includes(file.resolve().parent, problems)
    data, source = reading.read(file, ())
    source.files = list(reading.files)
    if not isinstance(data, dict):
        if data is not None:
            problems.append(source.problem((), "the file must be a mapping of keys (program: ...)"))
        raise ConfigError(problems)
    try:
        config = models.Config.model_validate(data)
    except ValidationError as exc:
        already = {p.path for p in problems}
        translated = [p for p in _translate(exc, data, source) if p.path not in already]
        reported = already | {p.path for p in translated}
        further = [
            p
            for p in check_references(partial_config(data), source)
            if not any(_within(p.path, path) for path in reported)
        ]
        raise ConfigError(problems + translated + further) from None
    if problems:
        raise ConfigError(problems)
    for i, rule in enumerate(config.rules):
        rule._key = f"rules[{i}]"
        rule._position = source.find(("rules", i))
    problems = check_references(config, source)
    if problems:
        raise ConfigError(problems)
    config._logged = tuple(_case_logs(config, file, source, reading))
    config._cases = tuple(_cases(config, file, source, reading))
    source.files = list(reading.files)
    config._source = source
    return config


def _case_logs(
    config: models.Config, file: Path, source: SourceMap, reading: _Includes
) -> list[Logged]:
    """Every row of the program's case logs; ConfigError with every problem in them."""
    problems: list[ConfigProblem] = []
    reading.problems = problems
    fellows = {f.id for f in config.fellows}
    logged: list[Logged] = []
    for i, name in enumerate(config.case_logs):
        path = reading.check(file, name, source, ("case_logs", i), (), what="a case log")
        if path is None:
            continue
        reading.files[path] = source.find(("case_logs", i))
        rows, wrong = read_case_log(path, display_name(path), fellows, set(config.procedures))
        logged += rows
        problems += wrong
    if problems:
        raise ConfigError(problems)
    return logged


def _cases(
    config: models.Config, file: Path, source: SourceMap, reading: _Includes
) -> list[Written]:
    """Every case of `cases:`, written there or in its files; ConfigError with every problem."""
    problems: list[ConfigProblem] = []
    reading.problems = problems
    written: list[Written] = []
    for i, item in enumerate(config.cases):
        if isinstance(item, models.Case):
            cells = {name: source.find(("cases", i, name)) for name in models.Case.model_fields}
            written.append(Written(item, source.find(("cases", i)), cells))
            continue
        path = reading.check(file, item, source, ("cases", i), (), what="a table of cases")
        if path is None:
            continue
        reading.files[path] = source.find(("cases", i))
        rows, wrong = read_cases(path, display_name(path))
        written += rows
        problems += wrong
    if not problems:
        problems = check_cases(config, written)
    if problems:
        raise ConfigError(problems)
    return written


def source_of(config: models.Config) -> SourceMap:
    """Positions of the config's nodes (empty for a Config built in code)."""
    return config._source or SourceMap()


def _within(path: str, ancestor: str) -> bool:
    """`rules[2].fellow` lies within `rules[2]` (and within itself)."""
    return path == ancestor or (
        path.startswith(ancestor) and path[len(ancestor) : len(ancestor) + 1] in (".", "[")
    )


class _Includes:
    """Reads a program file and, depth first, the files it includes: each once, each inside the
    program's folder, each a mapping of top-level keys."""

    def __init__(self, folder: Path, problems: list[ConfigProblem]) -> None:
        self.folder = folder
        self.problems = problems
        self.files: dict[Path, Position | None] = {}  # resolved path -> where it was included

    def read(self, file: Path, chain: tuple[Path, ...]) -> tuple[Any, SourceMap]:
        self.files.setdefault(file.resolve(), None)
        data, source = read_yaml(file, self.problems)
        if not isinstance(data, dict):
            return data, source
        includes = data.get("include", [])
        if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
            self.problems.append(source.problem(("include",), "expected a list of file names"))
            return data, source
        for i, name in enumerate(includes):
            path = self.check(file, name, source, ("include", i), (*chain, file.resolve()))
            if path is None:
                continue
            self.files[path] = source.find(("include", i))
            sub, sub_source = self.read(path, (*chain, file.resolve()))
            if isinstance(sub, dict):
                _merge(data, source, sub, sub_source, self.problems)
            elif sub is not None:
                self.problems.append(
                    source.problem(
                        ("include", i),
                        f"{name} must be a mapping of top-level keys (for example `leave:` "
                        f"followed by its list), but it holds {_kind(sub)}; nothing in it "
                        "would be read",
                    )
                )
        return data, source

    def check(
        self,
        file: Path,
        name: str,
        source: SourceMap,
        at: Path_,
        chain: tuple[Path, ...],
        what: str = "an include",
    ) -> Path | None:
        """The resolved path of an include (or of another file the program names, `what`),
        or None after saying why it is refused."""
        if Path(name).is_absolute():
            self.problems.append(
                source.problem(
                    at,
                    f"{name}: {what} is a path relative to the program's folder; copy the "
                    "file into that folder and name it relatively",
                )
            )
            return None
        path = (file.parent / name).resolve()
        if not path.is_relative_to(self.folder):
            self.problems.append(
                source.problem(
                    at,
                    f"{name} lies outside the program's folder ({self.folder}); included files "
                    "must sit in it or below it",
                )
            )
            return None
        if path in chain:
            self.problems.append(source.problem(at, f"{name} includes itself"))
            return None
        if path in self.files:
            first = self.files[path]
            where = f" at {first}" if first else " (it is the program file)"
            self.problems.append(source.problem(at, f"{name} is already included{where}"))
            return None
        if not path.is_file():
            said = f"no such file: {name} (relative to {file.parent})"
            if path.exists():
                said = f"{name} is {kind(path.stat().st_mode)}, not a regular file: name a file"
            self.problems.append(source.problem(at, said))
            return None
        return path


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "plain text"
    return f"a single value ({value!r})"


def _merge(
    data: dict, source: SourceMap, sub: dict, sub_source: SourceMap, problems: list[ConfigProblem]
) -> None:
    """Append an included file's top-level lists and add its mapping keys."""
    for key, value in sub.items():
        if key == "include":
            continue
        if key not in data:
            data[key] = value
            _copy_positions(sub_source, source, (key,), (key,))
        elif isinstance(data[key], list) and isinstance(value, list):
            offset = len(data[key])
            data[key].extend(value)
            for i in range(len(value)):
                _copy_positions(sub_source, source, (key, i), (key, i + offset))
        elif isinstance(data[key], dict) and isinstance(value, dict):
            for sub_key, sub_value in value.items():
                if sub_key in data[key]:
                    problems.append(
                        sub_source.problem(
                            (key, sub_key),
                            f"'{sub_key}' is already defined at {source.find((key, sub_key))}",
                        )
                    )
                    continue
                data[key][sub_key] = sub_value
                _copy_positions(sub_source, source, (key, sub_key), (key, sub_key))
        else:
            problems.append(
                sub_source.problem(
                    (key,),
                    f"'{key}' is already set at {source.find((key,))}; only lists and "
                    "mappings can be merged from an included file",
                )
            )


def _copy_positions(src: SourceMap, dst: SourceMap, old: Path_, new: Path_) -> None:
    n = len(old)
    for path, pos in src.positions.items():
        if path[:n] == old:
            dst.positions[(*new, *path[n:])] = pos
    for path, text in src.plain_text.items():
        if path[:n] == old:
            dst.plain_text[(*new, *path[n:])] = text


def _translate(exc: ValidationError, data: Any, source: SourceMap) -> list[ConfigProblem]:
    """Pydantic errors -> Problems at the position of the offending node, one per key path."""
    errors = exc.errors()
    paths = [_document_path(data, e["loc"], e["type"] == "missing") for e in errors]
    specific = {p for p, e in zip(paths, errors, strict=True) if not e["type"].endswith("_type")}
    grouped: dict[Path_, list[str]] = {}
    for path, error in zip(paths, errors, strict=True):
        if error["type"].endswith("_type") and path in specific:
            continue  # a union member of the wrong kind; the other member says what is wrong
        message = _message(error, path, source)
        grouped.setdefault(path, [])
        if message not in grouped[path]:
            grouped[path].append(message)
    return [source.problem(path, "; or ".join(messages)) for path, messages in grouped.items()]


def _document_path(data: Any, loc: tuple, missing: bool = False) -> Path_:
    """The part of a pydantic `loc` that names nodes of the document (drops union tags)."""
    path: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        if (isinstance(node, dict) and part in node) or (
            isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        ):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and part == node.get("type"):
            continue  # the tag pydantic adds for a discriminated union
        elif missing and i == len(loc) - 1 and isinstance(node, dict):
            path.append(part)  # a missing key
    return tuple(path)


def _message(error: dict, path: Path_, source: SourceMap) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == "missing":
        return f"required key '{path[-1]}' is missing"
    if kind == "extra_forbidden":
        key = path[-1]
        if key in _KNOWN_KEYS:  # a key of somewhere else: suggesting it again helps nobody
            return f"unknown key '{key}' here: it belongs elsewhere in a program; remove or move it"
        close = difflib.get_close_matches(str(key), sorted(_KNOWN_KEYS), n=1, cutoff=0.75)
        hint = f"; did you mean '{close[0]}'?" if close else "; remove it or check its spelling"
        return f"unknown key '{key}'{hint}"
    if kind == "union_tag_invalid":
        return f"unknown rule type '{error['ctx']['tag']}'; expected one of: " + ", ".join(
            rules.RULE_TYPES
        )
    if kind == "union_tag_not_found":
        return "every rule needs a type: one of " + ", ".join(rules.RULE_TYPES)
    message = error["msg"].removeprefix("Value error, ")
    if kind == "string_too_long":
        return f"at most {error['ctx']['max_length']} characters, got {len(value)}"
    if kind == "string_pattern_mismatch":
        message = "expected a short id of letters, digits, - _ . (no spaces)"
        if "@" in str(error["ctx"].get("pattern", "")):
            message = "expected an e-mail address"
        if "#" in str(error["ctx"].get("pattern", "")):
            message = 'expected a colour "#RRGGBB", quoted (an unquoted # starts a YAML comment)'
    if kind == "value_error":
        pass
    elif isinstance(value, bool) and source.plain_text.get(path, "").lower() not in (
        "true",
        "false",
    ):
        message += f" (YAML read {source.plain_text.get(path)} as {str(value).lower()}: quote it)"
    elif kind not in ("model_type", "dict_type") and not isinstance(value, (dict, list)):
        message += f", got {value!r}"
    return message


def _all_keys(model: type[BaseModel], seen: set[type]) -> set[str]:
    """Every key any model below `model` accepts (for did-you-mean suggestions)."""
    keys: set[str] = set()
    for name, field in model.model_fields.items():
        keys.add(field.alias or name)
        for arg in _types_in(field.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel) and arg not in seen:
                seen.add(arg)
                keys |= _all_keys(arg, seen)
    return keys


def _types_in(annotation: Any) -> list[Any]:
    out = [annotation]
    for arg in get_args(annotation):
        out.extend(_types_in(arg))
    return out


_KNOWN_KEYS = _all_keys(models.Config, set())
