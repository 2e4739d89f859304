"""`manifest.toml`: citation metadata (and passwords) for the files of an ingest root."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from trendqa.errors import InputError
from trendqa.loaders.files import MANIFEST
from trendqa.records import DocumentMeta

_KEYS = {"file", "title", "publisher", "year", "source", "aliases", "password"}


def read_manifest(root: Path) -> dict[str, DocumentMeta]:
    """Citation metadata from `root/manifest.toml`, keyed by POSIX path relative to `root`."""
    return {name: meta for name, meta, _password in _read(root)}


def read_passwords(root: Path) -> dict[str, str]:
    """PDF passwords from `root/manifest.toml`, keyed like `read_manifest`.

    Kept out of `DocumentMeta`, which the index stores and hashes.
    """
    return {name: password for name, _meta, password in _read(root) if password is not None}


def password_fingerprint(passwords: Mapping[Path, Mapping[str, str]], default: str | None) -> str:
    """A digest that changes whenever a password changes; "" when there are none.

    Slow and salted per file, so the index (which stores it) does not reveal passwords.
    """
    items = [(f"{root}/{doc}", pw) for root, docs in passwords.items() for doc, pw in docs.items()]
    if default:
        items.append(("*", default))
    if not items:
        return ""
    digest = hashlib.sha256()
    for name, password in sorted(items):
        salt = f"trendqa:{name}".encode()
        digest.update(hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 100_000))
    return f"+pw:{digest.hexdigest()[:16]}"


def _read(root: Path) -> list[tuple[str, DocumentMeta, str | None]]:
    path = root / MANIFEST
    if not path.is_file():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from exc
    entries = data.get("document", [])
    if not isinstance(entries, list):
        raise InputError(f"{path}: `document` must be [[document]] tables")
    return [_entry(e, f"{path}: document #{n}") for n, e in enumerate(entries, start=1)]


def _entry(entry: Any, where: str) -> tuple[str, DocumentMeta, str | None]:
    if not isinstance(entry, dict):
        raise InputError(f"{where} must be a table")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r} (expected {sorted(_KEYS)})")
    for key in ("file", "title"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise InputError(f"{where}: `{key}` must be a non-empty string")
    for key in ("publisher", "source", "password"):
        if key in entry and not isinstance(entry[key], str):
            raise InputError(f"{where}: `{key}` must be a string")
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise InputError(f"{where}: `aliases` must be a list of non-empty strings")
    year = entry.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
        raise InputError(f"{where}: `year` must be an integer")
    name = PurePosixPath(entry["file"].replace("\\", "/")).as_posix()
    meta = DocumentMeta(
        title=entry["title"].strip(),
        publisher=entry.get("publisher"),
        year=year,
        source=entry.get("source"),
        aliases=tuple(a.strip() for a in aliases),
    )
    return name, meta, entry.get("password")
