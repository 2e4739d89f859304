"""trendqa: answer questions about a shelf of reports, with citations a reader can check."""

import warnings

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

# jieba imports pkg_resources where setuptools still ships it (the Milvus extra pins
# setuptools<81): a deprecation notice about jieba's packaging is not the user's concern.
warnings.filterwarnings(
    "ignore", message="pkg_resources is deprecated", category=UserWarning, module="jieba"
)

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
