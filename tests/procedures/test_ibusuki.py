"""Ibusuki's role-play household (seed 002) and Kumamoto's move-in list (seed 000) through the navigator."""

from procedures.catalog import Catalog
from procedures.writing_report import IBUSUKI_FORMS, writing_table
from testbed.households import facts_of, plan_of

# What Ibusuki's report lists for the role-play (児童手当・子ども医療・介護・障害・水道・犬・住民票など)
# plus what the issue names from it (国民健康保険, 介護保険, 障害者手帳, 水道, 犬の登録, 印鑑登録).
IBUSUKI_PROCEDURES = {
    "tennyu_todoke": "住民異動届",
    "juminhyo": "住民票の写し",
    "jido_teate": "児童手当",
    "kodomo_iryo": "こども医療費助成",
    "kaigo_shikaku": "介護保険",
    "shogai_techo": "障害者手帳",
    "suido_kaishi": "水道",
    "inu_toroku": "犬の登録",
    "kokuho_kanyu": "国民健康保険",
    "inkan_toroku": "印鑑登録",
}
KUMAMOTO_PROCEDURES = {
    "tennyu_todoke": "住民異動届",
    "tennyugaku": "転入学",
    "nenkin": "国民年金",
    "kouki_tennyu": "後期高齢者医療",
    "tokubetsu_jido_fuyo": "特別児童扶養手当",
    "jido_teate": "児童手当",
    "kodomo_iryo": "こども医療費助成",
    "hoikusho_annai": "保育所（案内）",
    "yokaigo_nintei": "要介護認定",
    "juminhyo": "住民票の写し",
    "mynumber_card": "マイナンバーカード券面更新",
    "keijidosha_annai": "軽自動車税（案内）",
}
DEATH_FOLLOW_UPS = {
    "kokuho_soshitsu",
    "kouki_soshitsu",
    "kaigo_soshitsu",
    "sosaihi",
    "nenkin_annai",
    "inkan_haishi",
}


def test_ibusuki_household_is_three_generations_of_seven_with_a_dog(catalog: Catalog) -> None:
    facts = facts_of(catalog, "ibusuki_roleplay")
    assert facts.life_event == "move_in"
    assert len(facts.household) + 1 == 7
    assert {"child", "father", "mother", "wife"} <= {member.relation for member in facts.household}
    assert [animal.kind for animal in facts.answers["animals"]] == ["dog"]  # type: ignore[union-attr]


def test_ibusuki_plan_has_every_procedure_the_seed_lists(catalog: Catalog) -> None:
    produced = {procedure.id for procedure in plan_of(catalog, "ibusuki_roleplay").procedures}
    assert set(IBUSUKI_PROCEDURES) <= produced, set(IBUSUKI_PROCEDURES) - produced


def test_ibusuki_plan_prints_at_least_as_many_forms_and_leaves_nothing_to_write(
    catalog: Catalog, summary: list[str]
) -> None:
    plan = plan_of(catalog, "ibusuki_roleplay")
    assert len(plan.forms) >= IBUSUKI_FORMS
    assert plan.writing.left.total == 0
    citizen_fields = [f for form in plan.forms for f in form.fields if f.source not in ("staff", "signature")]
    assert citizen_fields
    assert all(f.value for f in citizen_fields)
    staff_or_signed = [f for form in plan.forms for f in form.fields if f.source in ("staff", "signature")]
    assert all(f.value is None for f in staff_or_signed)
    assert plan.writing.saved.name > 0
    assert plan.writing.saved.address > 0
    assert plan.writing.saved.phone > 0
    assert plan.writing.saved.birth_date > 0
    summary.append(
        "\nHandwriting saved for Ibusuki's role-play household (seed 002):\n" + writing_table(plan)
    )


def test_every_form_of_every_procedure_names_its_counter(catalog: Catalog) -> None:
    plan = plan_of(catalog, "ibusuki_roleplay")
    visited = [counter.id for counter in plan.counters]
    assert [counter.order for counter in plan.counters] == sorted(counter.order for counter in plan.counters)
    assert {procedure.counter for procedure in plan.procedures} == set(visited)
    assert {form.procedure for form in plan.forms} <= {procedure.id for procedure in plan.procedures}


def test_kumamoto_move_in_list_is_covered(catalog: Catalog) -> None:
    produced = {p.id for p in plan_of(catalog, "kumamoto_move_in").procedures}
    produced |= {p.id for p in plan_of(catalog, "ibusuki_roleplay").procedures}
    assert set(KUMAMOTO_PROCEDURES) <= produced, set(KUMAMOTO_PROCEDURES) - produced


def test_death_follow_ups_are_covered(catalog: Catalog) -> None:
    produced = {p.id for p in plan_of(catalog, "death_of_father_over_75").procedures}
    produced |= {p.id for p in plan_of(catalog, "death_of_wife_in_nhi").procedures}
    assert produced >= DEATH_FOLLOW_UPS | {"shibou_todoke"}


def test_reasons_speak_the_citizens_language(catalog: Catalog) -> None:
    plan = plan_of(catalog, "kumamoto_move_in")
    assert plan.language == "en"
    allowance = next(p for p in plan.procedures if p.id == "jido_teate")
    assert allowance.reason.citizen == "because 2 child(ren) up to high-school age live with you"
    assert allowance.reason.ja.startswith("高校生年代までのお子さん")
