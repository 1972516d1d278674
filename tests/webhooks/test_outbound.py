"""The SSRF guard: only public addresses over https, the checked address pinned, no
redirects followed, short answers."""

import socket

import pytest

from mycity.webhooks.outbound import MAX_RESPONSE_BYTES, RefusedAddress, check_url, post, resolve


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.org/x",
        "ftp://hooks.example.org/x",
        "https://10.0.0.7/x",
        "https://192.168.1.1/x",
        "https://172.16.5.4/x",
        "https://127.0.0.1/x",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/x",
        "https://0.0.0.0/x",
        "https://[::1]/x",
        "https://[fd00::1]/x",
        "https://[fe80::1]/x",
        "https://[::ffff:10.0.0.1]/x",
        "https://localhost/x",
        "https://printer.local/x",
        "https://user:secret@hooks.example.org/x",
        "https:///x",
    ],
)
def test_private_plain_or_odd_addresses_are_refused(url):
    with pytest.raises(RefusedAddress):
        check_url(url)


def test_a_public_https_address_passes():
    check_url("https://hooks.example.org:8443/mycity?x=1")
    check_url("https://93.184.215.14/x")


def test_loopback_passes_only_where_allowed():
    with pytest.raises(RefusedAddress):
        check_url("https://127.0.0.1:8241/x")
    check_url("https://127.0.0.1:8241/x", allow_loopback=True)
    check_url("http://localhost:8241/x", allow_loopback=True)
    with pytest.raises(RefusedAddress):
        check_url("https://10.0.0.1/x", allow_loopback=True)


def test_a_name_with_any_private_address_is_refused(resolve_as):
    resolve_as(["93.184.215.14", "10.1.2.3"])
    with pytest.raises(RefusedAddress, match="not public"):
        resolve("hooks.example.org", 443)


def test_a_name_resolving_to_ipv4_inside_ipv6_is_refused(resolve_as):
    resolve_as(["::ffff:192.168.0.10"])
    with pytest.raises(RefusedAddress):
        resolve("hooks.example.org", 443)


def test_nothing_is_sent_to_a_name_that_resolves_to_a_private_address(resolve_as, monkeypatch):
    resolve_as(["169.254.169.254"])
    connected = []
    monkeypatch.setattr(
        socket, "create_connection", lambda *a, **k: connected.append(a) or pytest.fail()
    )
    with pytest.raises(RefusedAddress):
        post("https://metadata.example.org/x", body=b"{}", headers={})
    assert connected == []


def test_the_connection_goes_to_the_checked_address_with_the_name_kept_for_tls(
    receiver, resolve_as, settings
):
    """hooks.test resolves (through our lookup, once) to the receiver's loopback address;
    the certificate is checked for the name, not the address."""
    # A second lookup (by a library resolving again) would get a private address:
    # DNS rebinding. There is none; the connection uses the address checked.
    calls = resolve_as(["127.0.0.1"], ["10.9.9.9"])
    answer = post(
        receiver.url(host="hooks.test"),
        body=b"{}",
        headers={"content-type": "application/json"},
        allow_loopback=True,
        ca_file=settings.WEBHOOKS_CA_FILE,
    )
    assert answer.status == 204
    assert calls == ["hooks.test"]
    assert receiver.received[0].headers["host"] == f"hooks.test:{receiver.port}"


def test_a_certificate_not_trusted_is_refused(receiver):
    with pytest.raises(Exception, match=r"CERTIFICATE_VERIFY_FAILED|certificate verify failed"):
        post(receiver.url(), body=b"{}", headers={}, allow_loopback=True, ca_file=None)
    assert receiver.received == []


def test_a_redirect_is_answered_not_followed(receiver, settings):
    receiver.answers = [(302, {"Location": receiver.url("/elsewhere")}, b"")]
    answer = post(
        receiver.url(),
        body=b"{}",
        headers={},
        allow_loopback=True,
        ca_file=settings.WEBHOOKS_CA_FILE,
    )
    assert answer.status == 302
    assert [r.path for r in receiver.received] == ["/hooks"]


def test_only_the_start_of_a_long_answer_is_read(receiver, settings):
    receiver.answers = [(200, {}, b"x" * (MAX_RESPONSE_BYTES * 8))]
    answer = post(
        receiver.url(),
        body=b"{}",
        headers={},
        allow_loopback=True,
        ca_file=settings.WEBHOOKS_CA_FILE,
    )
    assert len(answer.body) == MAX_RESPONSE_BYTES


def test_a_refusal_does_not_tell_the_owner_what_the_name_resolved_to(resolve_as):
    # The owner reads the attempt's error; the internal address stays in the server's log.
    resolve_as(["10.20.30.40"])
    with pytest.raises(RefusedAddress) as refused:
        resolve("db.corp.example", 443)
    assert "10.20.30.40" not in str(refused.value)
    assert "db.corp.example" not in str(refused.value)
