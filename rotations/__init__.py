"""rotations: builds the year of a pain-medicine fellowship with OR-Tools CP-SAT."""

__version__ = "0.1.0"
