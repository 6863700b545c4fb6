"""Microsoft's own client (MSAL for Python, unpatched) against the simulator.

Device-code sign-in, a Graph call with the token, then a silent refresh through the cache.
Prints one JSON line per milestone; the first line carries the user code so the caller can
approve it on the sign-in page like a person would. Exits non-zero with a message on any failure.
"""
import json
import sys

import msal
import requests

authority, graph, client_id = sys.argv[1], sys.argv[2], sys.argv[3]
scopes = ["https://graph.microsoft.com/.default"]

app = msal.PublicClientApplication(
    client_id,
    authority=authority,
    validate_authority=False,
    instance_discovery=False,
)
flow = app.initiate_device_flow(scopes=scopes)
if "user_code" not in flow:
    sys.exit(f"device flow did not start: {flow}")
print(json.dumps({"user_code": flow["user_code"], "verification_uri": flow["verification_uri"],
                  "message": flow["message"]}), flush=True)

result = app.acquire_token_by_device_flow(flow)
if "access_token" not in result:
    sys.exit(f"device flow failed: {result}")
claims = result.get("id_token_claims", {})

me = requests.get(f"{graph}/v1.0/organization", headers={"Authorization": "Bearer " + result["access_token"]})
if me.status_code != 200:
    sys.exit(f"graph call failed: {me.status_code} {me.text}")

accounts = app.get_accounts()
if not accounts:
    sys.exit("MSAL cached no account (client_info missing?)")
silent = app.acquire_token_silent_with_error(scopes, account=accounts[0], force_refresh=True)
if not silent or "access_token" not in silent:
    sys.exit(f"silent refresh failed: {silent}")
if silent["access_token"] == result["access_token"]:
    sys.exit("silent refresh returned the old access token")

again = requests.get(f"{graph}/v1.0/organization", headers={"Authorization": "Bearer " + silent["access_token"]})
print(json.dumps({
    "signed_in": True,
    "tenant": claims.get("tid"),
    "username": accounts[0].get("username"),
    "organization": me.json()["value"][0]["displayName"],
    "refreshed": True,
    "refreshed_token_works": again.status_code == 200,
    "token_source": silent.get("token_source"),
}), flush=True)
