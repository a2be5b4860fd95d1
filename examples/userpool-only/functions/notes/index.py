"""Notes API handler (API Gateway proxy integration)."""
import json
import os


def handler(event, context):
    origin = (event.get("headers") or {}).get("origin", "")
    allowed = [o for o in os.environ.get("UNDERHOOD_ALLOWED_ORIGINS", "").split(",") if o]
    headers = {"Content-Type": "application/json", "Vary": "Origin"}
    if origin in allowed:
        headers["Access-Control-Allow-Origin"] = origin
    claims = ((event.get("requestContext") or {}).get("authorizer") or {}).get("claims") or {}
    body = {"route": event.get("httpMethod", "") + " " + event.get("resource", ""),
            "owner": claims.get("sub"), "table": os.environ.get("STORAGE_NOTETABLE_NAME")}
    return {"statusCode": 200, "headers": headers, "body": json.dumps(body)}
