import json
import logging

from mycity.core.logs import JsonFormatter, RequestIdFilter, request_id_var


def test_a_log_line_is_one_json_object_with_the_request_id():
    token = request_id_var.set("abc123def456")
    try:
        record = logging.makeLogRecord(
            {
                "name": "mycity.test",
                "levelname": "INFO",
                "msg": "appeal %s routed",
                "args": ("П-1",),
                "status": 200,
            }
        )
        RequestIdFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        request_id_var.reset(token)
    entry = json.loads(line)
    assert entry["message"] == "appeal П-1 routed"
    assert entry["request_id"] == "abc123def456"
    assert entry["status"] == 200
    assert entry["level"] == "info"


def test_each_request_is_logged_with_method_path_status_and_duration(client, caplog):
    with caplog.at_level(logging.INFO, logger="mycity.request"):
        response = client.get("/healthz")
    (record,) = [r for r in caplog.records if r.name == "mycity.request"]
    assert (record.method, record.path, record.status) == ("GET", "/healthz", 200)
    assert record.request_id == response["X-Request-ID"]
    assert record.duration_ms >= 0
