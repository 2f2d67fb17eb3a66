"""A small HTTP service around `inference.api.Generator`: a web page plus a JSON API (FastAPI).

`create_app(generator_factory, validator=None)` builds the app. The factory is called once, at
startup (the app's lifespan; lazily on the first request if the app is used without it), so the
model is loaded once per process; tests inject a fake generator. Routes:

* `GET /` - one self-contained HTML page (`serve_static/index.html`, vanilla JS, no CDN);
* `POST /api/generate` - JSON `{prompt, beams?, constrained?}` -> `Generation.to_dict()`;
  400 with `{"error": ...}` for an empty or oversized prompt or bad option values;
* `POST /api/validate` - JSON `{code, deep?}` -> `validation.validate(code).to_dict()`;
* `GET /api/health` - `{status, model, device}`.

Requests are served one generation at a time (a lock: `Generator` is not thread-safe, and naga
runs on one process-wide device). This module does NOT authenticate, rate-limit, queue, stream
tokens or serve over TLS: bind it to localhost or put a real proxy in front. The command line
lives in `commands/serve.py`.
"""
from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel

from .errors import UserError
from .inference.api import MAX_PROMPT_CHARS

STATIC = Path(__file__).resolve().parent / "serve_static"
MAX_BEAMS = 16
MAX_CODE_CHARS = 200_000


class GenerateRequest(BaseModel):
    prompt: Any = None
    beams: Any = None
    constrained: Any = None


class ValidateRequest(BaseModel):
    code: Any = None
    deep: Any = False


class BadRequest(Exception):
    """A request the client must fix; answered with 400 and `{"error": message}`."""


def _default_validator(code: str, deep: bool = False):
    from .validation import validate

    return validate(code, deep=deep)


def check_prompt(prompt: Any) -> str:
    if not isinstance(prompt, str) or not prompt.strip():
        raise BadRequest("the prompt is empty; describe the compute shader you want")
    if len(prompt) > MAX_PROMPT_CHARS:
        raise BadRequest(f"the prompt has {len(prompt)} characters (limit {MAX_PROMPT_CHARS}); "
                         "describe one kernel in a few sentences")
    return prompt


def generation_options(req: GenerateRequest) -> dict:
    opts: dict = {}
    if req.beams is not None:
        if isinstance(req.beams, bool) or not isinstance(req.beams, int) or not 1 <= req.beams <= MAX_BEAMS:
            raise BadRequest(f"beams must be an integer from 1 to {MAX_BEAMS} (got {req.beams!r})")
        opts["beams"] = req.beams
    if req.constrained is not None:
        if not isinstance(req.constrained, bool):
            raise BadRequest(f"constrained must be true or false (got {req.constrained!r})")
        opts["constrained"] = req.constrained
    return opts


def device_of(gen: Any) -> str:
    """The generator's device: its `device` attribute, else its model's parameters, else "cpu"."""
    dev = getattr(gen, "device", None)
    if dev is not None:
        return str(dev)
    model = getattr(getattr(gen, "loaded", None), "model", None)
    if model is not None:
        with contextlib.suppress(StopIteration, AttributeError, TypeError):
            return str(next(model.parameters()).device)
    return "cpu"


def create_app(generator_factory: Callable[[], Any], validator: Callable | None = None) -> FastAPI:
    """The FastAPI app; `generator_factory()` must return an object with `.id` and `.generate(prompt, **opts)`."""
    state: dict[str, Any] = {}
    lock = threading.Lock()
    validate_fn = validator or _default_validator

    def generator():
        with lock:
            if "gen" not in state:
                state["gen"] = generator_factory()
            return state["gen"]

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        generator()  # load the model once, before the first request
        yield

    app = FastAPI(title="tiny-agent-trainer", description="English -> WGSL compute shaders", lifespan=lifespan)

    @app.exception_handler(BadRequest)
    async def _bad(request: Request, exc: BadRequest):
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(UserError)
    async def _user(request: Request, exc: UserError):
        return JSONResponse({"error": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errs = exc.errors()
        first = errs[0] if errs else {}
        where = ".".join(str(x) for x in first.get("loc", ()) if x != "body") or "body"
        msg = f"invalid request: {where}: {first.get('msg', 'malformed JSON')}"
        return JSONResponse({"error": msg}, status_code=400)

    @app.get("/", response_class=HTMLResponse)
    def index() -> HTMLResponse:
        return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))

    @app.get("/api/health")
    def health() -> dict:
        gen = generator()
        return {"status": "ok", "model": str(getattr(gen, "id", "")), "device": device_of(gen),
                "max_prompt_chars": MAX_PROMPT_CHARS}

    @app.post("/api/generate")
    def generate(req: GenerateRequest) -> dict:
        prompt = check_prompt(req.prompt)
        opts = generation_options(req)
        gen = generator()
        with lock:
            result = gen.generate(prompt, **opts)
        return result.to_dict()

    @app.post("/api/validate")
    def validate(req: ValidateRequest) -> dict:
        if not isinstance(req.code, str) or not req.code.strip():
            raise BadRequest("code is empty; send the WGSL source as {\"code\": \"...\"}")
        if len(req.code) > MAX_CODE_CHARS:
            raise BadRequest(f"code has {len(req.code)} characters (limit {MAX_CODE_CHARS})")
        if not isinstance(req.deep, bool):
            raise BadRequest(f"deep must be true or false (got {req.deep!r})")
        with lock:
            result = validate_fn(req.code, deep=req.deep)
        return result.to_dict()

    return app


def run_server(generator: Any, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve an already-loaded generator with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_app(lambda: generator), host=host, port=port, log_level="info")
