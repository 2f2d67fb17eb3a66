"""The HTTP service: routes, 400s for bad requests, one model load, with a fake generator (and the
real naga validation endpoint when a wgpu adapter exists)."""
from __future__ import annotations

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

from tiny_agent_trainer import cli, serve  # noqa: E402
from tiny_agent_trainer.inference.api import MAX_PROMPT_CHARS, Generation  # noqa: E402

VALID = """@group(0) @binding(0) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
    out[gid.x] = 1.0;
}
"""


class FakeGenerator:
    id = "fake-model"
    device = "cpu"

    def __init__(self):
        self.calls = []

    def generate(self, prompt, **options):
        self.calls.append((prompt, options))
        return Generation(code=VALID, ok=True, tokens=12, n_candidates=2, model=self.id, workgroup_size=(64, 1, 1),
                          timings={"encode": 1.0, "decode": 2.0, "validate": 0.5, "total": 3.5})


@pytest.fixture
def made():
    made = []

    def factory():
        made.append(FakeGenerator())
        return made[-1]

    with TestClient(serve.create_app(factory)) as client:
        yield client, made


def test_model_is_loaded_once_at_startup(made):
    client, gens = made
    assert len(gens) == 1  # before any request
    client.get("/api/health")
    client.post("/api/generate", json={"prompt": "add a and b"})
    assert len(gens) == 1


def test_health(made):
    client, _ = made
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json()["model"] == "fake-model" and r.json()["device"] == "cpu" and r.json()["status"] == "ok"


def test_index_page_is_self_contained(made):
    client, _ = made
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    for needle in ("<textarea", "Generate", "api/generate", "beams", "constrained", "<pre", "badge", "timings"):
        assert needle in html, needle
    assert "http://" not in html and "https://" not in html  # no CDN or other outside resource


def test_generate_returns_the_generation_dict(made):
    client, gens = made
    r = client.post("/api/generate", json={"prompt": "add a and b", "beams": 2, "constrained": True})
    assert r.status_code == 200
    d = r.json()
    assert d["ok"] is True and d["code"] == VALID and d["workgroup_size"] == [64, 1, 1]
    assert set(d) >= {"code", "ok", "diagnostics", "timings", "model", "message"}
    assert gens[0].calls == [("add a and b", {"beams": 2, "constrained": True})]
    client.post("/api/generate", json={"prompt": "x"})
    assert gens[0].calls[-1] == ("x", {})  # options left out: the generator's defaults


@pytest.mark.parametrize("body,needle", [
    ({"prompt": ""}, "empty"),
    ({"prompt": "   \n"}, "empty"),
    ({}, "empty"),
    ({"prompt": 42}, "empty"),
    ({"prompt": "a" * (MAX_PROMPT_CHARS + 1)}, "limit"),
    ({"prompt": "ok", "beams": 0}, "beams"),
    ({"prompt": "ok", "beams": "four"}, "beams"),
    ({"prompt": "ok", "constrained": "yes"}, "constrained"),
])
def test_generate_rejects_bad_requests_with_400(made, body, needle):
    client, gens = made
    r = client.post("/api/generate", json=body)
    assert r.status_code == 400
    assert needle in r.json()["error"]
    assert gens[0].calls == []


def test_malformed_json_is_400(made):
    client, _ = made
    r = client.post("/api/generate", content=b"{not json", headers={"content-type": "application/json"})
    assert r.status_code == 400 and "invalid request" in r.json()["error"]


def test_validate_uses_the_injected_validator():
    from tiny_agent_trainer.validation import Diagnostic, ValidationResult

    seen = []

    def fake_validate(code, deep=False):
        seen.append((code, deep))
        return ValidationResult(ok=False, diagnostics=[Diagnostic(2, 5, "boom")])

    with TestClient(serve.create_app(FakeGenerator, validator=fake_validate)) as client:
        r = client.post("/api/validate", json={"code": "fn main() {}", "deep": True})
        assert r.status_code == 200 and r.json()["ok"] is False
        assert r.json()["diagnostics"][0]["message"] == "boom"
        assert seen == [("fn main() {}", True)]
        assert client.post("/api/validate", json={"code": ""}).status_code == 400


def test_validate_with_naga(wgpu_runtime):
    with TestClient(serve.create_app(FakeGenerator)) as client:
        good = client.post("/api/validate", json={"code": VALID})
        assert good.status_code == 200
        assert good.json()["ok"] is True and good.json()["workgroup_size"] == [64, 1, 1]
        bad = client.post("/api/validate", json={"code": VALID.replace("1.0;", "undefined_thing;")})
        assert bad.status_code == 200
        d = bad.json()
        assert d["ok"] is False and d["diagnostics"] and d["diagnostics"][0]["line"] == 5


def test_user_error_from_the_generator_is_400():
    from tiny_agent_trainer.errors import UserError

    class Picky(FakeGenerator):
        def generate(self, prompt, **options):
            raise UserError("prompt not understood")

    with TestClient(serve.create_app(Picky)) as client:
        r = client.post("/api/generate", json={"prompt": "hm"})
        assert r.status_code == 400 and r.json()["error"] == "prompt not understood"


def test_cli_serve_reports_a_missing_model(tmp_path, capsys):
    rc = cli.main(["serve", "--model", str(tmp_path / "missing")])
    assert rc == 2 and "no such directory" in capsys.readouterr().err


def test_cli_serve_rejects_a_bad_port(capsys):
    assert cli.main(["serve", "--port", "70000"]) == 2
    assert "--port" in capsys.readouterr().err
