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


def graphiql_html() -> str:
    html = get_graphql_ide_html("graphiql")
    replacement = "const EXAMPLE_QUERY = `" + EXAMPLE.replace("\\", "\\\\").replace("`", "\\`") + "`;"
    return _EXAMPLE_QUERY.sub(lambda _: replacement, html, count=1)
