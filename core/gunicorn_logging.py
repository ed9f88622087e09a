"""gunicorn's access log as one JSON object per request (gunicorn.conf.py uses it as logger_class)."""

import json
from datetime import UTC, datetime

from gunicorn.glogging import Logger


class JsonAccessLogger(Logger):
    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        status = atoms["s"]
        record = {
            "timestamp": datetime.now(UTC).isoformat(),
            "level": "info",
            "logger": "gunicorn.access",
            "event": "request",
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"] or "",
            "status": int(status) if str(status).isdigit() else status,
            "bytes": atoms["B"],
            "duration_ms": atoms["M"],
            "remote_addr": atoms["h"],
            "forwarded_for": atoms.get("{x-forwarded-for}i"),
            # Django's RequestIdResponseMiddleware echoes the id it logged under (the balancer's, if trusted).
            "request_id": atoms.get("{x-request-id}o") or atoms.get("{x-request-id}i"),
            "user_agent": atoms["a"],
            "referer": atoms["f"],
            "pid": atoms["p"].strip("<>"),
        }
        try:
            self.access_log.info(json.dumps(record))
        except Exception:
            self.exception("Could not write the access log line")
