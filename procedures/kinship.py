"""続柄 to the head of household, from relations given to the applicant.

Households are entered as the applicant sees them (my wife, my father); forms print 続柄 as the resident
register does, to the head of household (世帯主). When the head is the applicant the two agree; when the head
is the applicant's parent, spouse or child, the common relations are restated here. Anything else is None,
and the form leaves that box for staff rather than print a wrong 続柄. Pure; never logs.
"""

_PARENT = {"father", "mother"}
_SPOUSE = {"wife", "husband", "spouse"}
_OWN_CHILD = {"1": "父", "2": "母"}
"""The applicant (or their spouse) seen from the applicant's child who heads the household, by sex."""


def _under_a_parent(relation: str, head: str) -> str | None:
    """Relations to the applicant's father or mother who heads the household."""
    other_parent = {"father": "夫", "mother": "妻"}
    plain = {"self": "子", "sibling": "子", "child": "孫", "wife": "子の妻", "husband": "子の夫"}
    if relation in _PARENT and relation != head:
        return other_parent[relation]
    return plain.get(relation)


def _under_a_spouse(relation: str, applicant_sex: str) -> str | None:
    """Relations to the applicant's spouse who heads the household."""
    if relation == "self":
        return {"1": "夫", "2": "妻"}.get(applicant_sex)
    in_law = {"father_in_law": "父", "mother_in_law": "母", "child": "子"}
    if relation in in_law:
        return in_law[relation]
    prefix = {"1": "夫", "2": "妻"}.get(applicant_sex)
    own_parent = {"father": "の父", "mother": "の母"}
    return f"{prefix}{own_parent[relation]}" if prefix and relation in own_parent else None


def _under_a_child(relation: str, sex: str, applicant_sex: str) -> str | None:
    """Relations to the applicant's child who heads the household."""
    if relation == "self":
        return _OWN_CHILD.get(applicant_sex)
    if relation in _SPOUSE:
        return _OWN_CHILD.get(sex)
    return {"grandchild": "子"}.get(relation)


def relation_to_head(relation: str, sex: str, head_relation: str, applicant_sex: str) -> str | None:
    """A member's 続柄 to the head, given both relations to the applicant ("self" for the applicant)."""
    if head_relation in _PARENT:
        return _under_a_parent(relation, head_relation)
    if head_relation in _SPOUSE:
        return _under_a_spouse(relation, applicant_sex)
    if head_relation == "child":
        return _under_a_child(relation, sex, applicant_sex)
    return None
