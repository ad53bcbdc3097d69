"""Loading a program: YAML with source positions, pydantic validation, cross-references."""

from rotations.config.load import load_config
from rotations.config.models import Config
from rotations.config.source import ConfigError, Position, Problem

__all__ = ["Config", "ConfigError", "Position", "Problem", "load_config"]
