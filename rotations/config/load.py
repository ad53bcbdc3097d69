"""`load_config`: YAML files -> a validated Config, or a ConfigError listing every problem."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

from rotations.config import models
from rotations.config.references import check_references
from rotations.config.source import ConfigError, Path_, Problem, SourceMap, read_yaml

LOADED = "_loaded_config"


def load_config(file: str | Path) -> models.Config:
    """Read, merge, validate and cross-check a program; raise ConfigError with every problem."""
    problems: list[Problem] = []
    data, source = _read_with_includes(Path(file), problems, seen=())
    if not isinstance(data, dict):
        if data is not None:
            problems.append(source.problem((), "the file must be a mapping of keys (program: ...)"))
        raise ConfigError(problems)
    try:
        config = models.Config.model_validate(data)
    except ValidationError as exc:
        already = {p.path for p in problems}
        translated = [p for p in _translate(exc, data, source) if p.path not in already]
        raise ConfigError(problems + translated) from None
    if problems:
        raise ConfigError(problems)
    for i, rule in enumerate(config.rules):
        rule._key = f"rules[{i}]"
        rule._where = f"{source.find(('rules', i))} rules[{i}]"
    problems = check_references(config, source)
    if problems:
        raise ConfigError(problems)
    config._source = source
    return config


def source_of(config: models.Config) -> SourceMap:
    """Positions of the config's nodes (empty for a Config built in code)."""
    return config._source or SourceMap()


def _read_with_includes(
    file: Path, problems: list[Problem], seen: tuple[Path, ...]
) -> tuple[Any, SourceMap]:
    data, source = read_yaml(file, problems)
    if not isinstance(data, dict):
        return data, source
    includes = data.get("include", [])
    if not isinstance(includes, list) or not all(isinstance(i, str) for i in includes):
        problems.append(source.problem(("include",), "expected a list of file names"))
        return data, source
    for i, name in enumerate(includes):
        path = (file.parent / name).resolve()
        if path in seen or path == file.resolve():
            problems.append(source.problem(("include", i), f"{name} includes itself"))
            continue
        if not path.is_file():
            problems.append(
                source.problem(("include", i), f"no such file: {name} (relative to {file.parent})")
            )
            continue
        sub, sub_source = _read_with_includes(path, problems, (*seen, file.resolve()))
        if isinstance(sub, dict):
            _merge(data, source, sub, sub_source, problems)
    return data, source


def _merge(
    data: dict, source: SourceMap, sub: dict, sub_source: SourceMap, problems: list[Problem]
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


def _translate(exc: ValidationError, data: Any, source: SourceMap) -> list[Problem]:
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
        close = difflib.get_close_matches(str(key), sorted(_KNOWN_KEYS), n=1, cutoff=0.75)
        hint = f"; did you mean '{close[0]}'?" if close else "; remove it or check its spelling"
        return f"unknown key '{key}'{hint}"
    if kind == "union_tag_invalid":
        return f"unknown rule type '{error['ctx']['tag']}'; expected one of: " + ", ".join(
            models.RULE_TYPES
        )
    if kind == "union_tag_not_found":
        return "every rule needs a type: one of " + ", ".join(models.RULE_TYPES)
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
