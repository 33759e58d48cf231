"""GraphiQL at /graphql, and what the page says when its CDN scripts cannot load."""

from __future__ import annotations

import json
import shutil
import subprocess
import urllib.parse

import httpx
import pytest

from graph.ide import OFFLINE_CHECK

FAKE_PAGE = """
const page = {textContent: "Loading...", style: {}, children: [], appendChild(c) { this.children.push(c); }};
globalThis.window = {location: {search: %(search)s, href: "http://127.0.0.1:8000/graphql" + %(search)s}};
globalThis.document = {getElementById: () => page, createElement: (tag) => ({tag, textContent: "", id: ""})};
%(loaded)s
%(script)s
console.log(JSON.stringify({text: page.textContent, children: page.children}));
"""


def run_offline_check(search: str, loaded: bool = False) -> dict:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the page's script cannot be run here")
    script = OFFLINE_CHECK.removeprefix("<script>").removesuffix("</script>")
    stubs = "globalThis.React = {}; globalThis.GraphiQL = {}; globalThis.Cookies = {};" if loaded else ""
    program = FAKE_PAGE % {"search": json.dumps(search), "loaded": stubs, "script": script}
    done = subprocess.run([node, "-e", program], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


async def test_the_page_checks_for_its_scripts_before_running_them(http: httpx.AsyncClient) -> None:
    page = (await http.get("/graphql", headers={"accept": "text/html"})).text
    check = page.index("The GraphQL IDE could not load")
    assert page.rindex("https://unpkg.com/", 0, check) < check < page.index("const EXAMPLE_QUERY")


def test_without_the_cdn_the_page_explains_and_gives_a_curl_command_with_the_token() -> None:
    headers = urllib.parse.quote(json.dumps({"Authorization": "Bearer tok.en.123"}))
    shown = run_offline_check(f"?headers={headers}")
    texts = {child["tag"]: child["textContent"] for child in shown["children"]}
    assert texts["h1"] == "The GraphQL IDE could not load"
    assert texts["pre"].startswith("curl -s http://127.0.0.1:8000/graphql \\\n")
    assert "-H 'Authorization: Bearer tok.en.123'" in texts["pre"]
    assert """-d '{"query":"{ me { id name workspaces } }"}'""" in texts["pre"]
    assert "<token" in run_offline_check("")["children"][2]["textContent"]  # no link token: a placeholder


def test_with_the_scripts_loaded_the_page_is_left_to_graphiql() -> None:
    assert run_offline_check("", loaded=True) == {"text": "Loading...", "children": []}
