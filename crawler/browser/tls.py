"""TLS for the recording proxy: how it can see, and archive, the browser's HTTPS traffic.

A proxy only sees an HTTPS exchange as an opaque ``CONNECT`` tunnel. To record the bytes the
server sent, the recorder ends the browser's TLS itself and opens its own TLS connection to the
server: the server's answer is then read, archived and relayed by the recorder, byte for byte.
The browser is told to accept the recorder's certificate (its contexts are made with
``ignore_https_errors``), so one throw-away self-signed certificate serves every host; it is
made when the first page needs it and exists only for the crawl.

Towards the servers the recorder checks certificates exactly as much as Scrapy's own downloads
do (by default: not at all; many government sites serve expired or mismatched certificates).
"""

from __future__ import annotations

import datetime
import ssl
import tempfile
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CERTIFICATE_NAME = "nianbao browser recorder"


def browser_side_context() -> ssl.SSLContext:
    """The server-side context the recorder shows the browser inside a CONNECT tunnel."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CERTIFICATE_NAME)])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # HTTP/2 would need a different relay; offering only http/1.1 keeps the browser on it.
    context.set_alpn_protocols(["http/1.1"])
    # ssl loads keys only from files: write them to a private directory just for the load.
    with tempfile.TemporaryDirectory(prefix="nianbao-tls-") as directory:
        cert_file, key_file = Path(directory, "cert.pem"), Path(directory, "key.pem")
        cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_file.touch(mode=0o600)
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        context.load_cert_chain(cert_file, key_file)
    return context


def server_side_context(verify: bool = False) -> ssl.SSLContext:
    """The client context the recorder uses towards the real servers."""
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        # Old government servers still speak weak TLS; refusing them loses their reports.
        context.set_ciphers("DEFAULT:@SECLEVEL=0")
        context.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    context.set_alpn_protocols(["http/1.1"])
    return context
