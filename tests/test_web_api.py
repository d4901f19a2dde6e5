"""The web app's JSON API through Starlette's test client: every endpoint gives the command line's JSON, and bad
input of every kind is a 4xx with a clear message, never a 500."""

from __future__ import annotations

import json
import re
import socket
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tpmap
from tpmap.cli import main
from tpmap.web import inputs

pytest.importorskip("starlette", reason="the web app's tests need the 'web' extra")
pytest.importorskip("httpx", reason="Starlette's test client needs httpx (the 'test' extra)")

from starlette.testclient import TestClient

from tpmap.web.app import create_app
from tpmap.web.server import serve

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

PAIRED = [r.name.lower() for r in tpmap.load_catalogue().regions.values() if r.laterality == "paired"]
"""The names of the paired regions: well over a hundred places when read in words."""
ELBOW = {"sites": [{"region": "lateral_elbow", "side": "right", "sensations": ["tingling"]}], "limit": 5}


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(), base_url="http://127.0.0.1", raise_server_exceptions=False)


def cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> Any:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


# ---------------------------------------------------------------------------------------------- every endpoint


def test_the_page_carries_both_views_every_region_shape_and_its_files(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert 'id="map-front"' in html and 'id="map-back"' in html
    assert 'id="front-lateral_elbow-right"' in html and 'id="back-lateral_elbow-left"' in html
    assert 'id="front-sternum-mid"' in html
    assert html.count('role="button"') == html.count('class="region"') > 250  # every shape a named button
    assert "{{" not in html  # every placeholder filled
    assert page.headers["referrer-policy"] == "no-referrer"  # the address holds the report: never sent on
    assert "script-src 'self'" in page.headers["content-security-policy"]
    config = json.loads(html.split('<script id="config" type="application/json">')[1].split("</script>")[0])
    assert set(config["zooms"]) == {"head", "right_hand", "left_hand", "right_foot", "left_foot"}
    assert config["sensations"][0]["id"] == "tingling"
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css")):
        answer = client.get(f"/static/{name}")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(kind) and answer.text


def test_the_maps_shapes_carry_the_static_charts_ids(client: TestClient, catalogue: tpmap.Catalogue) -> None:
    """The page copies a ranking chart's heat onto its own map by element id: every shape of the chart's two
    views must be on the map under the same id."""
    chart = tpmap.ranking_chart(tpmap.rank(catalogue, "thumb", side="right")).svg
    charted = set(re.findall(r'<polygon id="((?:front|back)-[a-z_]+-(?:left|right|mid))"', chart))
    mapped = set(re.findall(r'<polygon class="region" id="([^"]+)"', client.get("/").text))
    assert len(charted) > 250 and charted == mapped


def test_rank_gives_the_command_lines_json(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    answer = client.post("/api/rank", json=ELBOW)
    assert answer.status_code == 200
    expected = cli_json(capsys, "rank", "lateral_elbow", "--side", "right", "--sensation", "tingling", "--limit", "5")
    assert answer.json() == expected


def test_rank_reads_text_and_takes_every_report_field(client: TestClient) -> None:
    body = {
        "text": "aching on the outside of my elbow, worse when I grip",
        "sites": ["back of the forearm"],
        "side": "right",
        "absent": [{"region": "shoulder", "side": "right"}, "neck"],
        "tender": [{"region": "posterior_forearm", "side": "right"}],
        "not_tender": [{"region": "infrascapular", "side": "right"}],
        "ruled_out": ["carpal tunnel"],
        "movements": ["gripping"],
        "limit": 3,
    }
    data = client.post("/api/rank", json=body).json()
    query = data["query"]
    assert data["reading"][0]["text"] == body["text"] and len(data["candidates"]) == 3
    assert {(s["region"], s["side"]) for s in query["sites"]} == {
        ("lateral_elbow", "right"),
        ("posterior_forearm", "right"),
    }
    assert {a["region"] for a in query["absent"]} == {"shoulder", "neck"}
    assert [(t["region"], t["side"]) for t in query["tender"]] == [("posterior_forearm", "right")]
    assert [(t["region"], t["side"]) for t in query["not_tender"]] == [("infrascapular", "right")]
    assert query["ruled_out"] == ["carpal_tunnel_syndrome"] and query["movements"] == ["gripping"]


def test_read_gives_the_command_lines_json(client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    text = "numb and tingling little finger, not in my wrist"
    answer = client.post("/api/read", json={"text": text})
    assert answer.status_code == 200 and answer.json() == cli_json(capsys, "read", text)
    sided = client.post("/api/read", json={"text": "tingling in my hand", "side": "left"}).json()
    assert sided["places"][0]["side"] == "left"


@pytest.mark.parametrize("name", ["infraspinatus", "SCM", "hamstrings"])
def test_muscle_gives_the_command_lines_json(client: TestClient, capsys: pytest.CaptureFixture[str], name: str) -> None:
    answer = client.get(f"/api/muscles/{name}")
    assert answer.status_code == 200 and answer.json() == cli_json(capsys, "muscle", name)


def test_regions_and_sensations_give_the_command_lines_json(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    assert client.get("/api/regions").json() == cli_json(capsys, "regions")
    assert client.get("/api/sensations").json() == cli_json(capsys, "sensations")


def test_charts_are_the_static_charts(client: TestClient, catalogue: tpmap.Catalogue) -> None:
    answer = client.get("/api/charts/muscles/infraspinatus", params={"side": "left"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("image/svg+xml")
    assert answer.text == tpmap.muscle_chart(catalogue, "infraspinatus", side="left").svg
    answer = client.post("/api/charts/ranking", json={"sites": ELBOW["sites"], "top": 3})
    ranking = tpmap.rank(catalogue, tpmap.Site(region="lateral_elbow", side="right", sensations=("tingling",)))
    assert answer.status_code == 200 and answer.text == tpmap.ranking_chart(ranking, top=3).svg


# ---------------------------------------------------------------------------------------------- bad input


def test_an_unknown_region_is_a_422_with_close_matches(client: TestClient) -> None:
    answer = client.post("/api/rank", json={"sites": [{"region": "elbw", "side": "right"}]})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["type"] == "UnknownNameError" and "elbow" in error["suggestions"] and "elbw" in error["message"]


def test_an_unknown_muscle_is_a_404_with_close_matches(client: TestClient) -> None:
    answer = client.get("/api/muscles/infraspinatu")
    assert answer.status_code == 404 and answer.json()["error"]["suggestions"][0] == "infraspinatus"
    assert client.get("/api/charts/muscles/infraspinatu").status_code == 404


BAD_REPORTS: list[tuple[object, str]] = [
    ({}, "the report is empty"),
    ([1, 2], "must be a JSON object"),
    ("elbow", "must be a JSON object"),
    ({"sides": "right", "sites": ["thumb"]}, "did you mean 'side'"),
    ({"sites": "thumb"}, "sites must be a list"),
    ({"sites": [7]}, "sites[0] must be a place in words"),
    ({"sites": [{"region": "thumb", "side": "up"}]}, "side"),
    ({"sites": [{"region": "thumb", "colour": "red"}]}, "colour"),
    ({"sites": ["thumb"], "side": 5}, "side must be"),
    ({"sites": ["thumb"], "sensations": "tingling"}, "sensations must be a list"),
    ({"sites": ["thumb"], "sensations": ["tickles"]}, "unknown sensation"),
    ({"sites": ["thumb"], "tender": [{"region": "thumb", "side": "middle"}]}, "tender[0] must be"),
    ({"sites": ["thumb"] * (inputs.MAX_ITEMS + 1)}, "the most accepted is"),
    ({"text": "x" * (inputs.MAX_TEXT + 1)}, "the most accepted is"),
    ({"text": [1]}, "text[0] must be a string"),
    ({"text": ["elbow"] * (inputs.MAX_DESCRIPTIONS + 1)}, "descriptions; the most accepted is"),
    ({"text": [", ".join(PAIRED[:60]), ", ".join(PAIRED[60:])], "side": "right"}, "places; the most accepted is 100"),
    (
        {"sites": [{"region": "thumb", "side": "right"}], "absent": [{"region": "hand", "side": "right"}]},
        "inside 'Hand'",
    ),
    ({"conditions": ["tennis elbow"], "ruled_out": ["tennis elbow"]}, "ruled out"),
]


@pytest.mark.parametrize(("body", "message"), BAD_REPORTS)
def test_a_bad_report_is_a_422_that_says_what_is_wrong(client: TestClient, body: object, message: str) -> None:
    for path in ("/api/rank", "/api/charts/ranking"):
        answer = client.post(path, json=body)
        assert answer.status_code == 422, answer.text
        assert message in answer.json()["error"]["message"]


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/api/rank", {"sites": ["thumb"], "limit": 0}, "limit must be a whole number, 1 or more"),
        ("/api/rank", {"sites": ["thumb"], "limit": 10_000}, "limit must be at most 200"),
        ("/api/rank", {"sites": ["thumb"], "top": 3}, "unknown field 'top'"),  # a ranking draws nothing
        ("/api/charts/ranking", {"sites": ["thumb"], "top": True}, "top must be a whole number"),
        ("/api/charts/ranking", {"sites": ["thumb"], "limit": 3}, "unknown field 'limit'"),  # a chart lists none
    ],
)
def test_how_much_to_send_is_checked_and_belongs_to_its_endpoint(
    client: TestClient, path: str, body: object, message: str
) -> None:
    answer = client.post(path, json=body)
    assert answer.status_code == 422 and message in answer.json()["error"]["message"], answer.text


@pytest.mark.parametrize(
    ("content", "kind", "status", "message"),
    [
        (b'{"sites": ["thumb"', "application/json", 400, "not valid JSON"),
        (b"\xff\xfe{}", "application/json", 400, "not UTF-8"),
        (b"[" * 40_000 + b"]" * 40_000, "application/json", 413, "the most accepted"),
        (b"[" * 20_000 + b"]" * 20_000, "application/json", 400, "nested too deeply"),
        (b'{"sites": ["thumb"]}', "text/plain", 415, "Content-Type: application/json"),
        (b'{"sites": ["thumb"]}', "", 415, "Content-Type: application/json"),
        (json.dumps({"text": "elbow " * 20_000}).encode(), "application/json", 413, "the most accepted is 65536"),
    ],
)
def test_a_body_that_is_not_a_small_json_object_is_refused(
    client: TestClient, content: bytes, kind: str, status: int, message: str
) -> None:
    headers = {"content-type": kind} if kind else {}
    for path in ("/api/rank", "/api/read", "/api/charts/ranking"):
        answer = client.post(path, content=content, headers=headers)
        assert answer.status_code == status and message in answer.json()["error"]["message"], answer.text


def test_a_huge_body_sent_in_pieces_is_cut_off_at_the_limit(client: TestClient) -> None:
    def pieces() -> Any:
        yield b'{"text": "'
        for _ in range(1000):  # 1 MB in all, with no Content-Length to go by
            yield b"x" * 1000
        yield b'"}'

    answer = client.post("/api/rank", content=pieces(), headers={"content-type": "application/json"})
    assert answer.status_code == 413


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"text": 5}, "text must be a string"),
        ({"words": "hand"}, "unknown field 'words'"),
        ({"text": "hand", "side": "up"}, "side"),
        ({"text": "x" * (inputs.MAX_TEXT + 1)}, "the most accepted is"),
    ],
)
def test_a_bad_request_to_read_is_a_422(client: TestClient, body: object, message: str) -> None:
    answer = client.post("/api/read", json=body)
    assert answer.status_code == 422 and message in answer.json()["error"]["message"]


def test_wrong_methods_paths_parameters_and_hosts_are_4xx(client: TestClient) -> None:
    assert client.get("/api/rank").status_code == 405
    assert client.post("/api/regions", json={}).status_code == 405
    assert client.get("/api/nothing").status_code == 404
    answer = client.get("/api/charts/muscles/infraspinatus", params={"side": "up"})
    assert answer.status_code == 422 and "side must be 'left' or 'right'" in answer.json()["error"]["message"]
    assert client.get("/api/charts/muscles/infraspinatus", params={"sde": "left"}).status_code == 422
    elsewhere = TestClient(create_app(), base_url="http://attacker.example")
    assert elsewhere.get("/api/regions").status_code == 400  # a renamed address cannot reach the local app


@pytest.mark.parametrize("path", ["/static/index.html", "/static/../app.py", "/static/%2e%2e%2fapp.py", "/static/"])
def test_no_file_is_served_by_a_name_the_client_gives(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 404


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 300)
    | st.text(max_size=12)
    | st.sampled_from(["thumb", "left", "elbow"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
field_names = st.sampled_from(["sites", "text", "side", "absent", "tender", "sensations", "limit", "mode", "x"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(field_names, json_values, max_size=4) | json_values)
def test_no_report_makes_the_server_fail(client: TestClient, body: object) -> None:
    answer = client.post("/api/rank", content=json.dumps(body), headers={"content-type": "application/json"})
    assert answer.status_code in (200, 422), answer.text
    if answer.status_code == 422:
        assert answer.json()["error"]["message"]


# ---------------------------------------------------------------------------------------------- serve


def test_serve_without_the_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, catalogue: tpmap.Catalogue
) -> None:
    monkeypatch.setitem(sys.modules, "uvicorn", None)  # importing it now raises ImportError
    with pytest.raises(tpmap.MissingExtraError, match=r"tpmap serve needs the optional 'web' extra: .*pip install"):
        serve(catalogue, port=8765, open_browser=False)


def test_serve_refuses_a_bad_or_busy_port(catalogue: tpmap.Catalogue, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(tpmap.QueryError, match="port must be a whole number from 1 to 65535"):
        serve(catalogue, port=70_000, open_browser=False)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(tpmap.QueryError, match="choose another --port"):
            serve(catalogue, port=port, open_browser=False)
        assert main(["serve", "--port", str(port), "--no-browser"]) == 1
        assert "tpmap: cannot serve on http://127.0.0.1:" in capsys.readouterr().err
