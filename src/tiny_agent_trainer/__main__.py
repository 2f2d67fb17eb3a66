"""`python -m tiny_agent_trainer` runs the CLI."""
from .cli import main

raise SystemExit(main())
