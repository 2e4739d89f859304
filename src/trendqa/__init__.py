"""trendqa: answer questions about a shelf of reports, with citations a reader can check."""

from trendqa.errors import (
    ExitStatus,
    IndexMismatchError,
    IndexMissingError,
    InputError,
    LockedError,
    ModelError,
    TrendqaError,
)

__version__ = "0.1.0"

__all__ = [
    "ExitStatus",
    "IndexMismatchError",
    "IndexMissingError",
    "InputError",
    "LockedError",
    "ModelError",
    "TrendqaError",
    "__version__",
]
