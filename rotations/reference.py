"""The config reference (docs/config-reference.md), generated from the pydantic models so it
cannot drift from what the loader accepts.

Regenerate with: rotations reference > docs/config-reference.md"""

from __future__ import annotations

import inspect

import yaml
from pydantic import BaseModel

from rotations.config import call, models
from rotations.config.rules import RULE_CLASSES
from rotations.config.types import Group, Range, TargetRange
from rotations.duties import CALL_CLASSES
from rotations.implied import IMPLIED_CLASSES
from rotations.registry import RULE_TYPES, RuleType

SECTIONS: list[tuple[str, type[BaseModel]]] = [
    ("Top level", models.Config),
    ("program", models.Program),
    ("program.organizer", models.Organizer),
    ("sites.&lt;id&gt;", models.Site),
    ("rotations.&lt;id&gt;", models.Rotation),
    ("rotations.&lt;id&gt;.sites.&lt;site&gt;", models.RotationSite),
    ("Counts (`staffing`, `stint`, `requirements.<id>`)", Range),
    ("Requirement groups (`requirements.<group>`, `fellows[].requirements.<group>`)", Group),
    ("fellows[]", models.Fellow),
    ("leave[]", models.Leave),
    ("faculty[]", models.Faculty),
    ("faculty[].away[]", models.Away),
    ("conferences[]", models.Conference),
    ("procedures.&lt;id&gt;", models.Procedure),
    ("Targets (`targets.<id>`, `fellows[].targets.<id>`)", TargetRange),
    ("didactics[]", models.Didactics),
    ("didactics[].topics[]", models.Topic),
    ("didactics[].attendance", models.Attendance),
    ("mentoring", models.Mentoring),
    ("mentoring.wishes[]", models.MentorWish),
    ("mentoring.meetings", models.Meetings),
    ("call[]", call.Call),
    ("call[].weekend", call.Weekend),
    ("call[].max_per_fellow", call.PerWeeks),
    ("call[].wishes[]", call.CallWish),
    ("call[].avoid[]", call.CallAvoid),
    ("duty_hours", call.DutyHours),
    ("duty_hours.max_weekly", call.WeeklyHours),
    ("duty_hours.one_day_off_in", call.DaysOff),
    ("call_limits[]", call.CallLimit),
    ("swaps", call.Swaps),
]


def _type_text(schema: dict) -> str:
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if "enum" in schema:
        return " \\| ".join(f"`{v}`" for v in schema["enum"])
    if "const" in schema:
        return f"`{schema['const']}`"
    if "anyOf" in schema or "oneOf" in schema:
        options = [_type_text(s) for s in schema.get("anyOf", schema.get("oneOf", []))]
        return " or ".join(o for o in options if o != "null")
    kind = schema.get("type", "")
    if kind == "array":
        return f"list of {_type_text(schema.get('items', {}))}"
    if kind == "object" and "additionalProperties" in schema:
        return f"map of {_type_text(schema['additionalProperties'])}"
    if schema.get("format") == "date":
        return "date"
    return {"integer": "integer", "string": "text", "boolean": "true/false"}.get(kind, kind)


def _table(model: type[BaseModel], skip: tuple[str, ...] = ()) -> list[str]:
    properties = model.model_json_schema(by_alias=True)["properties"]
    required = set(model.model_json_schema(by_alias=True).get("required", []))
    lines = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key in skip:
            continue
        schema = properties[key]
        default = "required" if key in required else f"`{field.default!r}`".replace("|", "\\|")
        meaning = (field.description or schema.get("description", "")).replace("|", "\\|")
        lines.append(f"| `{key}` | {_type_text(schema)} | {default} | {meaning} |")
    return lines


def _doc(model: type) -> str:
    return inspect.cleandoc(model.__doc__ or "")


def reference_markdown() -> str:
    out = [
        "# Config reference",
        "",
        "Generated from the pydantic models by `rotations reference > docs/config-reference.md`;"
        " do not edit by hand (a test fails when it is stale). Editors can validate and complete"
        " keys with `configs/rotations.schema.json`.",
        "",
    ]
    for title, model in SECTIONS:
        out += [f"## {title}", "", _doc(model), "", *_table(model), ""]
    out += [
        "## rules[]",
        "",
        "Every rule is hard unless it has a `weight`. Keys every rule takes:",
        "",
        *_table(RULE_CLASSES[0], skip=("type", "rotation", "min_blocks")),
        "",
    ]
    for model in RULE_CLASSES:
        kind = RULE_TYPES[model]
        common = ("name", "fellows", "weight")
        rule = model.model_fields["type"].annotation.__args__[0]
        out += [f"### `{rule}`", "", _doc(model), "", *_table(model, skip=common), ""]
        example = yaml.safe_dump([model.example], sort_keys=False, default_flow_style=None)
        out += ["```yaml", "rules:", *("  " + line for line in example.splitlines()), "```", ""]
        out += [_where(kind), ""]
    out += [
        "## Rules other keys imply",
        "",
        "These are rules too: explanations, reports and the checker name them by their key.",
        "",
    ]
    for model in (*IMPLIED_CLASSES, *CALL_CLASSES):
        kind = RULE_TYPES[model]
        example = yaml.safe_dump(model.example, sort_keys=False, default_flow_style=None)
        out += [f"### `{model.type}`", "", _doc(model), "", "```yaml", *example.splitlines()]
        out += ["```", "", _where(kind), ""]
    return "\n".join(out).rstrip() + "\n"


def _where(kind: RuleType) -> str:
    family = kind.family
    return (
        f"Built by `{kind.build.__name__}` in `rotations/model/rules/{family}.py`, checked by "
        f"`{kind.check.__name__}` in `rotations/check/{family}.py`."
    )
