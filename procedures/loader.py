"""Load a draft catalog from a directory of YAML files: parse, schema-check, merge, then build.

Every `*.yaml` file under the directory (sorted by path) is one part of the catalog; its lists are appended
to the merged catalog's, and exactly one file carries the `catalog:` header. Schema errors are reported per
file with the line of the offending value. This module must never accept a catalog with problems, and never
read anything but YAML (no includes, no tags beyond the YAML core schema).
"""

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from procedures.catalog import Catalog, build_catalog
from procedures.problems import CatalogError, Problem, path_text
from procedures.yaml_lines import JsonPath, LocatedDocument, YamlSyntaxError, load_located

SECTIONS = ("relations", "values", "counters", "documents", "questions", "procedures", "forms", "examples")


@cache
def catalog_schema() -> dict[str, Any]:
    """The JSON Schema every catalog file (and the merged catalog) must satisfy."""
    text = resources.files("procedures").joinpath("catalog.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_problems(document: LocatedDocument) -> list[Problem]:
    """Schema violations of one document, located and in file order."""
    validator = jsonschema.Draft202012Validator(catalog_schema())
    problems = []
    for error in validator.iter_errors(document.data):
        path: JsonPath = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
            path = (*path, *sorted(key for key in error.instance if key not in known)[:1])
        line = document.line_of(path)
        problems.append(Problem(document.file, line, f"{path_text(path)}: {_describe(error)}"))
    return sorted(problems, key=lambda problem: problem.line)


def _describe(error: jsonschema.ValidationError) -> str:
    if error.validator == "not" and isinstance(error.validator_value, dict):
        forbidden = error.validator_value.get("required", [])
        return f"{', '.join(forbidden)} is not allowed here"
    if error.validator in ("additionalProperties", "required", "enum", "pattern", "type", "minItems"):
        return error.message
    return f"{error.message[:200]}"


def _read_documents(directory: Path) -> list[LocatedDocument]:
    files = sorted(
        path for path in directory.rglob("*") if path.suffix in (".yaml", ".yml") and path.is_file()
    )
    if not files:
        raise CatalogError([Problem(str(directory), 1, "no catalog files (*.yaml) in this directory")])
    documents, problems = [], []
    for path in files:
        name = path.relative_to(directory).as_posix()
        try:
            document = load_located(path, name)
        except YamlSyntaxError as error:
            problems.append(Problem(error.file, error.line, error.message))
            continue
        if not isinstance(document.data, dict):
            problems.append(Problem(name, 1, "a catalog file must be a mapping of sections"))
            continue
        problems += schema_problems(document)
        documents.append(document)
    if problems:
        raise CatalogError(problems)
    return documents


class _Merged:
    """The merged catalog data and, for each merged list item, the file and path it came from."""

    def __init__(self, documents: list[LocatedDocument]) -> None:
        self.data: dict[str, Any] = {section: [] for section in SECTIONS}
        self.origins: dict[tuple[str, int], tuple[LocatedDocument, int]] = {}
        headers = [document for document in documents if "catalog" in document.data]
        if len(headers) != 1:
            where = headers[1] if headers else documents[0]
            message = "exactly one file must have the catalog: header"
            raise CatalogError([Problem(where.file, where.line_of(("catalog",)), message)])
        self.header = headers[0]
        self.data["catalog"] = self.header.data["catalog"]
        for document in documents:
            for section in SECTIONS:
                for index, item in enumerate(document.data.get(section, [])):
                    self.origins[(section, len(self.data[section]))] = (document, index)
                    self.data[section].append(item)

    def locate(self, path: JsonPath) -> tuple[str, int]:
        if len(path) >= 2 and isinstance(path[0], str) and isinstance(path[1], int):
            origin = self.origins.get((path[0], path[1]))
            if origin is not None:
                document, index = origin
                return document.file, document.line_of((path[0], index, *path[2:]))
        return self.header.file, self.header.line_of(path)


def load_catalog_dir(directory: Path) -> Catalog:
    """Load and check a draft catalog; raise CatalogError listing every problem with file and line."""
    merged = _Merged(_read_documents(directory))
    return build_catalog(merged.data, merged.locate)


def load_catalog(path: Path) -> Catalog:
    """A draft catalog directory, or a published bundle file (hash verified)."""
    if path.is_dir():
        return load_catalog_dir(path)
    from procedures.publish import read_published

    return read_published(path.read_bytes(), path.name)
