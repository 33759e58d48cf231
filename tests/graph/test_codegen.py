"""TypeScript types from the committed SDL compile under `tsc --strict` (GraphQL Code Generator).

Optional: it needs Node and a directory where the generator is installed, named by
NOMOS_CODEGEN_DIR (`npm install @graphql-codegen/cli @graphql-codegen/typescript typescript graphql`),
so the test suite never downloads from npm.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

SDL = Path(__file__).parents[2] / "schema" / "schema.graphql"


def test_generated_types_compile_strictly(tmp_path: Path) -> None:
    directory = os.environ.get("NOMOS_CODEGEN_DIR")
    if not directory or shutil.which("npx") is None:
        pytest.skip("set NOMOS_CODEGEN_DIR to a directory with @graphql-codegen/cli installed (and have Node)")
    tools = Path(directory).expanduser()
    if not (tools / "node_modules" / "@graphql-codegen" / "cli").is_dir():
        pytest.skip(f"@graphql-codegen/cli is not installed in {tools}")
    output = tmp_path / "types.ts"
    config = tmp_path / "codegen.json"
    config.write_text(json.dumps({"schema": str(SDL), "generates": {str(output): {"plugins": ["typescript"]}}}))
    subprocess.run(["npx", "graphql-codegen", "--config", str(config)], cwd=tools, check=True, timeout=300)
    compiled = subprocess.run(
        ["npx", "tsc", "--strict", "--noEmit", "--target", "es2020", str(output)],
        cwd=tools,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    assert "export type Node = {" in output.read_text(encoding="utf-8")
