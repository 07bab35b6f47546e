"""`madoguchi procedures ...`: validate, test, publish, plan and questions, with their exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import msgspec
from click.testing import CliRunner

from procedures.catalog import Catalog
from procedures.cli import EXIT_CATALOG, EXIT_INVALID, EXIT_MISSING, procedures
from protocol.plan import Plan
from testbed.households import example
from tests.procedures.conftest import SAMPLE_CITY


def _facts_file(tmp_path: Path, catalog: Catalog, example_id: str, **answers: object) -> Path:
    facts = dict(example(catalog, example_id).facts)
    facts["answers"] = {**facts["answers"], **answers}
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts, ensure_ascii=False), encoding="utf-8")
    return path


def test_validate_reports_version_and_hash(catalog: Catalog) -> None:
    result = CliRunner().invoke(procedures, ["validate", str(SAMPLE_CITY)])
    assert result.exit_code == 0, result.output
    assert f"sample_city {catalog.meta.version} {catalog.content_hash}" in result.output


def test_validate_lists_problems_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "catalog.yaml").write_text("catalog:\n  id: Bad Id\n", encoding="utf-8")
    result = CliRunner().invoke(procedures, ["validate", str(tmp_path)])
    assert result.exit_code == EXIT_CATALOG
    assert "catalog.yaml:2: catalog.id: 'Bad Id' does not match" in result.output


def test_publish_writes_a_bundle_that_plans_like_the_draft(tmp_path: Path, catalog: Catalog) -> None:
    bundle = tmp_path / "catalog.json"
    runner = CliRunner()
    published = runner.invoke(procedures, ["publish", str(SAMPLE_CITY), "--out", str(bundle)])
    assert published.exit_code == 0, published.output
    assert "pass ibusuki_roleplay: 23 forms" in published.output
    facts = _facts_file(tmp_path, catalog, "ibusuki_roleplay")
    args = ["plan", "--facts", str(facts), "--today", "2026-11-20", "--json", "--catalog"]
    from_bundle = runner.invoke(procedures, [*args, str(bundle)])
    from_draft = runner.invoke(procedures, [*args, str(SAMPLE_CITY)])
    assert from_bundle.exit_code == 0, from_bundle.output
    assert from_bundle.output == from_draft.output
    plan = msgspec.json.decode(from_bundle.output, type=Plan)
    assert plan.writing.left.total == 0


def test_plan_without_json_prints_counters_and_writing_saved(tmp_path: Path, catalog: Catalog) -> None:
    facts = _facts_file(tmp_path, catalog, "kumamoto_move_in")
    result = CliRunner().invoke(
        procedures, ["plan", "--catalog", str(SAMPLE_CITY), "--facts", str(facts), "--today", "2026-11-20"]
    )
    assert result.exit_code == 0, result.output
    assert "Children and Families Division" in result.output
    assert "left to write 0" in result.output


def test_plan_names_missing_answers(tmp_path: Path, catalog: Catalog) -> None:
    facts_path = _facts_file(tmp_path, catalog, "single_move_in_unfinished")
    result = CliRunner().invoke(
        procedures, ["plan", "--catalog", str(SAMPLE_CITY), "--facts", str(facts_path), "--json"]
    )
    assert result.exit_code == EXIT_MISSING
    assert "missing answers: phone, water" in result.output


def test_plan_refuses_invalid_facts(tmp_path: Path, catalog: Catalog) -> None:
    facts_path = _facts_file(tmp_path, catalog, "single_move_in", water="maybe")
    result = CliRunner().invoke(
        procedures, ["plan", "--catalog", str(SAMPLE_CITY), "--facts", str(facts_path)]
    )
    assert result.exit_code == EXIT_INVALID
    assert "answer to water" in result.output
    (tmp_path / "typo.json").write_text('{"life_event": "move_in", "langauge": "ja"}', encoding="utf-8")
    typo = CliRunner().invoke(
        procedures, ["plan", "--catalog", str(SAMPLE_CITY), "--facts", str(tmp_path / "typo.json")]
    )
    assert typo.exit_code == EXIT_INVALID


def test_questions_prints_what_to_ask_next(tmp_path: Path, catalog: Catalog) -> None:
    facts_path = _facts_file(tmp_path, catalog, "single_move_in_unfinished")
    result = CliRunner().invoke(
        procedures,
        ["questions", "--catalog", str(SAMPLE_CITY), "--facts", str(facts_path), "--today", "2026-11-20"],
    )
    assert result.exit_code == 0, result.output
    asked = json.loads(result.output)
    assert [question["id"] for question in asked] == ["phone", "water"]
    assert asked[0]["label"]["citizen"] == "ひるに つながる でんわばんごう"


def test_the_madoguchi_command_prints_the_plan_as_json(tmp_path: Path, catalog: Catalog) -> None:
    facts = _facts_file(tmp_path, catalog, "certificates_only")
    madoguchi = Path(sys.executable).with_name("madoguchi")
    completed = subprocess.run(
        [
            str(madoguchi),
            "procedures",
            "plan",
            "--catalog",
            str(SAMPLE_CITY),
            "--facts",
            str(facts),
            "--json",
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    plan = msgspec.json.decode(completed.stdout, type=Plan)
    assert [procedure.id for procedure in plan.procedures] == ["juminhyo", "shomei_kofu", "conbini_annai"]
