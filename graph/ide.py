"""GraphiQL, opened on an example that works against this API."""

from __future__ import annotations

import re

from strawberry.http.ides import get_graphql_ide_html

EXAMPLE = """# Nomos GraphQL API
#
# Every request needs a bearer token: `nomos serve` prints a GraphiQL link that sets
# the Authorization header (see the Headers tab below). Ctrl-Enter runs an operation.
#
# Try, in order (pick the operation with the play button):

query Me {
  me { id name workspaces }
}

mutation SignUp {
  createUser(input: {displayName: "Developer", email: "dev@example.com"}) { description }
}

mutation CreateEstate {
  createEstate(workspaceId: "estate-001", input: {estateId: "estate-001", name: "Corporate Campus"}) {
    description sequence
  }
}

mutation CreateAsset {
  createTrackableAsset(workspaceId: "estate-001", input: {name: "HVAC Unit A", assetType: "hvac",
      customFields: [{text: {key: "serial_number", value: "HV-2041"}}]}) {
    description
    changedAggregates { ... on TrackableAsset { id name assetType } }
  }
}

query Assets {
  trackableAssets(workspaceId: "estate-001", orderBy: NAME) { nodes { id name assetType } }
  timeline(workspaceId: "estate-001") { sequence description actorId struckOut }
}

subscription Watch {
  watchTrackableAssets(workspaceId: "estate-001") { id name }
}

mutation Undo {
  undoLatest(workspaceId: "estate-001", onlyMine: true) { description }
}
"""

_EXAMPLE_QUERY = re.compile(r"const EXAMPLE_QUERY = `.*?`;", re.DOTALL)
_MAIN_SCRIPT = re.compile(r"<script>\s*const EXAMPLE_QUERY")

# GraphiQL's scripts come from a CDN (no package on PyPI ships its current build for a plain ASGI
# app). Classic scripts run in document order, so by the time this one runs (just before the
# page's own script) the CDN scripts have loaded or failed: without them, it replaces the blank "Loading..." with how to
# use the API without the IDE. The token comes from the link `nomos serve` prints (?headers=...).
OFFLINE_CHECK = r"""<script>
  (function () {
    if (typeof React !== "undefined" && typeof GraphiQL !== "undefined" && typeof Cookies !== "undefined") return;
    var token = "<token that nomos serve printed>";
    try {
      var headers = JSON.parse(new URLSearchParams(window.location.search).get("headers") || "{}");
      var auth = headers.Authorization || headers.authorization || "";
      if (auth) token = auth.replace(/^Bearer\s+/i, "");
    } catch (error) {}
    var url = window.location.href.split("?")[0];
    var body = JSON.stringify({query: "{ me { id name workspaces } }"});
    var curl = "curl -s " + url + " \\\n  -H 'Content-Type: application/json' \\\n  -H 'Authorization: Bearer " +
      token + "' \\\n  -d '" + body + "'";
    var page = document.getElementById("graphiql");
    page.textContent = "";
    page.style.cssText = "font: 15px/1.5 system-ui, sans-serif; padding: 2em; max-width: 60em; overflow: auto";
    function add(tag, text) {
      var element = document.createElement(tag);
      element.textContent = text;
      page.appendChild(element);
      return element;
    }
    add("h1", "The GraphQL IDE could not load");
    add("p", "GraphiQL's scripts come from unpkg.com, which this browser cannot reach (offline, or blocked). " +
      "The API itself is running: send it GraphQL over HTTP, for example with curl:");
    add("pre", curl).id = "nomos-offline-curl";
    add("p", "Subscriptions use graphql-transport-ws on the same URL (ws://...), with the token in the " +
      'connection_init payload: {"Authorization": "Bearer <token>"}. ' +
      "The schema is in schema/schema.graphql; `nomos token --user ID` issues other tokens.");
  })();
</script>"""


def graphiql_html() -> str:
    html = get_graphql_ide_html("graphiql")
    replacement = "const EXAMPLE_QUERY = `" + EXAMPLE.replace("\\", "\\\\").replace("`", "\\`") + "`;"
    html = _EXAMPLE_QUERY.sub(lambda _: replacement, html, count=1)
    main = _MAIN_SCRIPT.search(html)
    if main is None:
        raise RuntimeError("Strawberry's GraphiQL page changed: cannot add the offline explanation")
    return html[: main.start()] + OFFLINE_CHECK + "\n    " + html[main.start() :]
