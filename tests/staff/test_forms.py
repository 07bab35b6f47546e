"""Form PDFs: each renders (pdftoppm) and its text (pdftotext) holds the prefilled values, in 和暦."""

import random
import subprocess
from pathlib import Path

from testbed.households import citizen
from tests.staff.support import StaffCentral, login, wait_for_case


def test_forms_pdf_renders_and_holds_the_prefilled_values(
    staff_central: StaffCentral, tmp_path: Path
) -> None:
    facts = citizen(random.Random(31), 31)
    case_id = staff_central.sync(facts)
    client = login(staff_central, "honcho_staff")
    case = wait_for_case(client, case_id)
    response = client.http.get(f"/staff/cases/{case_id}/forms.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    pdf = tmp_path / "forms.pdf"
    pdf.write_bytes(response.content)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    forms = case["plan"]["forms"]
    assert len(pages) >= len(forms) > 0
    assert all(page.stat().st_size > 1000 for page in pages)
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    flat = "".join(text.split())  # pdftotext breaks lines at the ideographic space in names
    for form in forms:
        assert form["title"] in text
        for field in form["fields"]:
            if field["value"] and "年" not in field["value"]:
                assert "".join(field["value"].split()) in flat, field["label"]
    assert "".join(facts.applicant.name.split()) in flat
    assert "昭和60年6月15日" in flat, "the applicant's birth date (1985-06-15) is printed in 和暦"
    assert "署名" in text


def test_printing_is_logged_and_refused_to_other_offices(
    staff_central: StaffCentral,
) -> None:
    case_id = staff_central.sync(citizen(random.Random(32), 32))
    client = login(staff_central, "honcho_staff")
    wait_for_case(client, case_id)
    assert client.http.get(f"/staff/cases/{case_id}/forms.pdf").status_code == 200
    other = login(staff_central, "kita_staff")
    assert other.http.get(f"/staff/cases/{case_id}/forms.pdf").status_code == 403
    boss = login(staff_central, "honcho_boss")
    entries = boss.http.get("/api/staff/access-log", params={"case_id": case_id}).json()
    assert {"user": "honcho_staff", "action": "print"} in [
        {"user": entry["user"], "action": entry["action"]} for entry in entries
    ]
