"""Rotation colours shared by the HTML report and the Excel workbook."""

from __future__ import annotations

from rotations.problem import Problem

# Colour-blind-friendly, light enough for black text (after the Okabe-Ito and Tol palettes).
PALETTE = (
    "#88CCEE",
    "#CC6677",
    "#DDCC77",
    "#117733",
    "#AA4499",
    "#44AA99",
    "#999933",
    "#882255",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#BBBBBB",
    "#332288",
)


def rotation_colors(problem: Problem) -> dict[str, str]:
    """Rotation id -> `#RRGGBB`: its `color` key if set, else the palette in config order."""
    colors = {}
    for i, rid in enumerate(problem.rotations):
        chosen = problem.rotation(rid).color
        colors[rid] = (chosen or PALETTE[i % len(PALETTE)]).upper()
    return colors


def text_color(background: str) -> str:
    """Black or white, whichever contrasts more with `background` by WCAG 2's relative
    luminance (at least 4.58 to 1 on any colour, above the 4.5 small text needs)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(int(background[i : i + 2], 16)) for i in (1, 3, 5))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#FFFFFF"


def abbreviation(rid: str) -> str:
    """The three letters a rotation goes by in the report's and the workbook's grid (`Pal`);
    `rotations score` reads them back."""
    return rid[:3].title()
