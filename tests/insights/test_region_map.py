"""The map of the regions on the dashboard and in the PDF: the 20 regions of 2022, named in the
page's language, suppressed as the tables are."""

from __future__ import annotations

import itertools
import re
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client

from aigaq import reference
from aigaq.accounts.decorators import STEP_UP_KEY
from aigaq.accounts.models import User
from aigaq.cases.models import Case
from aigaq.insights import regionmap

pytestmark = pytest.mark.django_db
URL = "/insights/"
NEW_IN_2022 = {"KZ-10": "Абай облысы", "KZ-33": "Жетісу облысы", "KZ-62": "Ұлытау облысы"}


@pytest.fixture
def cases(cora: User, build: Callable[..., Case]) -> list[Case]:
    made = [build(cora) for _ in range(6)]  # Astana
    made += [build(cora, region="KZ-75", city="almaty") for _ in range(2)]
    made += [build(cora, region="KZ-62", city="zhezkazgan") for _ in range(7)]
    return made


def tiles(body: str) -> dict[str, str]:
    svg = re.search(r'<svg[^>]*class="region-map".*?</svg>', body, re.S)
    assert svg is not None
    found = re.findall(r'(<g class="region" data-region="([^"]+)"[^>]*>.*?</g>)', svg.group(0), re.S)
    return {code: whole for whole, code in found}


def test_the_dashboard_map_has_all_20_regions_of_2022_titled_in_the_page_language(
    ann: User, cases: list[Case], login: Callable[[User], Client]
) -> None:
    ann.language = "kk"
    ann.save()
    found = tiles(login(ann).get(URL).content.decode())
    assert set(found) == {r.code for r in reference.regions()} and len(found) == 20
    for code, name in NEW_IN_2022.items():
        assert f"<title>{name}: " in found[code]
    ann.language = "ru"
    ann.save()
    found = tiles(login(ann).get(URL).content.decode())
    assert "<title>область Ұлытау: 7</title>" in found["KZ-62"] and ">Улытау<" in found["KZ-62"]
    ann.language = "en"
    ann.save()
    found = tiles(login(ann).get(URL).content.decode())
    assert "<title>Abai Region: 0</title>" in found["KZ-10"] and "<title>Zhetysu Region: 0</title>" in found["KZ-33"]


def test_a_suppressed_region_is_grey_and_hatched_never_coloured_by_its_value(
    ann: User, cases: list[Case], login: Callable[[User], Client]
) -> None:
    found = tiles(login(ann).get(URL).content.decode())
    almaty = found["KZ-75"]  # two cases: "<5"
    assert "<title>Almaty (city): &lt;5</title>" in almaty and "&lt;5</text>" in almaty
    assert regionmap.SUPPRESSED_FILL in almaty and "<line" in almaty
    assert not any(shade in almaty for shade in regionmap.SHADES)
    assert "2</text>" not in almaty and ": 2<" not in almaty
    for code in ("KZ-71", "KZ-62"):  # 6 and 7 cases (or hidden to protect Almaty's 2 from the total)
        tile = found[code]
        assert ("data-state=\"shown\"" in tile) == any(shade in tile for shade in regionmap.SHADES[1:])


def test_the_legend_names_the_suppressed_squares(ann: User, cases: list[Case], login: Callable[[User], Client]) -> None:
    body = login(ann).get(URL).content.decode()
    legend = body.split('class="map-legend"')[1].split("</ul>")[0]
    assert "suppressed, not coloured" in legend and "<line" in legend


def test_the_map_follows_the_chosen_figure_and_region(
    ann: User, cases: list[Case], login: Callable[[User], Client]
) -> None:
    client = login(ann)
    body = client.get(URL, {"map": "reported"}).content.decode()
    assert "Map of the regions: Reported to police" in body
    assert all("<title>" in t and ": 0</title>" in t for t in tiles(body).values())  # nobody reported yet
    found = tiles(client.get(URL, {"region": "KZ-62"}).content.decode())
    assert 'data-state="outside"' in found["KZ-71"] and 'data-state="outside"' not in found["KZ-62"]
    assert client.get(URL, {"map": "nonsense"}).status_code == 400


def test_the_map_needs_no_script_style_or_remote_file(
    ann: User, cases: list[Case], login: Callable[[User], Client]
) -> None:
    body = login(ann).get(URL).content.decode()
    svg = re.search(r'<svg[^>]*class="region-map".*?</svg>', body, re.S)
    assert svg is not None
    assert "<script" not in svg.group(0) and "style" not in svg.group(0) and "href" not in svg.group(0)
    assert 'viewBox="0 0 ' in svg.group(0)  # scales to the width of a 375 px phone (insights.css)


def test_shade_classes_cover_the_shown_counts_only() -> None:
    assert regionmap.shade_classes([0, 0]) == []
    assert regionmap.shade_classes([7]) == [(7, 7)]
    classes = regionmap.shade_classes([0, 5, 9, 40, 12])
    assert classes[0][0] == 5 and classes[-1][1] == 40 and len(classes) == 4
    assert all(a[1] + 1 == b[0] for a, b in itertools.pairwise(classes))


def test_the_pdf_report_holds_the_map(
    ann: User, cases: list[Case], login: Callable[[User], Client], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from aigaq.insights import report

    rendered: list[str] = []
    real = report.render_to_string
    monkeypatch.setattr(report, "render_to_string", lambda *a, **k: rendered.append(real(*a, **k)) or rendered[-1])
    client = login(ann)
    session = client.session
    session[STEP_UP_KEY] = time.time()
    session.save()
    response = client.get(URL + "report.pdf", {"lang": "kk", "map": "incident"})
    assert response.status_code == 200
    assert set(tiles(rendered[0])) == {r.code for r in reference.regions()}  # the SVG went to WeasyPrint
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(response.content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Өңірлер картасы" in text
    for short in ("БҚО", "ШҚО", "СҚО", "Ұлытау", "Жетісу", "Абай"):  # the squares' names: on the map only
        assert short in text
