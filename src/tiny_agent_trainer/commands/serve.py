"""`tiny-agent-trainer serve [--model NAME|PATH] [--host 127.0.0.1] [--port 8000]`: web page + JSON API.

Loads the model once (before the server starts, so an unknown model or a missing bundled
default is an immediate `error: ...`, exit 2), then runs `serve.create_app` under uvicorn until
Ctrl-C. Exit status: 0 after a clean shutdown; 2 user error (model, missing fastapi/uvicorn,
bad port). This module does NOT implement any route (see `tiny_agent_trainer.serve`).
"""
from __future__ import annotations

import argparse
import sys

from ..errors import UserError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve", help="serve a web page and JSON API for shader generation",
        description="Serve the model over HTTP: GET / (a web page), POST /api/generate {prompt, beams?, "
                    "constrained?}, POST /api/validate {code}, GET /api/health. No authentication: keep the "
                    "default host 127.0.0.1 unless a proxy guards it.")
    p.add_argument("--model", default=None, metavar="NAME|PATH",
                   help="bundled model name (default: the bundled 'default'), 'template', or a checkpoint / run "
                        "directory")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    p.add_argument("--port", type=int, default=8000, help="TCP port (default: %(default)s)")
    p.add_argument("--device", default="cpu", help="torch device (default: %(default)s)")
    p.set_defaults(func=run)


def run(args) -> int:
    if not 0 < args.port < 65536:
        raise UserError(f"--port {args.port}: expected 1..65535")
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as e:
        raise UserError(f"serve needs fastapi and uvicorn ({e}); "
                        "install them with `pip install 'tiny-agent-trainer[serve]'`") from None
    from ..inference.api import Generator
    from ..serve import run_server

    gen = Generator(model=args.model, device=args.device)
    print(f"model {gen.id} loaded; serving on http://{args.host}:{args.port}/ (Ctrl-C to stop)", file=sys.stderr)
    run_server(gen, host=args.host, port=args.port)
    return 0
