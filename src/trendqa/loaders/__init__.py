"""Find input files and read them into `SourceDocument`s: text in common Chinese encodings, or PDF.

Citation labels come from an optional `manifest.toml` in the ingest root, one
`[[document]]` table per file::

    [[document]]
    file = "reports/tencent_2024.txt"    # required: path relative to the root, `/` separators
    title = "2024数字科技前沿应用趋势"        # required
    publisher = "腾讯研究院"                  # optional
    year = 2024                           # optional integer
    source = "https://example.org/r.pdf"  # optional: URL or free-text provenance
    password = "..."                      # optional: opens an encrypted PDF

Files without an entry are still loaded, titled from their PDF metadata, first
heading or first short line, or else their file name.

Every problem with an input file surfaces as `InputError` whose message is a
one-line reason (no path), so ingest can record it as `Skipped(path, reason)`;
problems with single pages of a PDF that was otherwise read are kept in the
document's `TextQuality` and reported as warnings.

Modules: `files` (discovery), `manifest`, `text` (encodings, titles), `pdf`
(opening, decrypting, extracting pages), `quality` (unusable text layers),
`repair` (look-alike characters, hyphenation, glyph names), `labels` (printed page
numbers), `load` (puts them together).
"""

from trendqa.loaders.files import MANIFEST, SUFFIXES, discover
from trendqa.loaders.load import load_file
from trendqa.loaders.manifest import password_fingerprint, read_manifest, read_passwords
from trendqa.loaders.pdf import PasswordError

__all__ = [
    "MANIFEST",
    "SUFFIXES",
    "PasswordError",
    "discover",
    "load_file",
    "password_fingerprint",
    "read_manifest",
    "read_passwords",
]
