"""Loading a program: YAML with source positions, pydantic validation, cross-references."""

from rotations.config.load import load_config
from rotations.config.models import Config
from rotations.config.source import ConfigError, ConfigProblem, Position

__all__ = ["Config", "ConfigError", "ConfigProblem", "Position", "load_config"]
