"""A long-lived LibreOffice converter, driven over UNO; run by Debian's python3 (python3-uno).

Starting LibreOffice costs ~1 s; converting a report once it runs, ~0.05 s. So each extraction
worker keeps one LibreOffice running behind this bridge (see :mod:`extract.documents.office`)
and sends it one request per line on stdin, ``{"source": path, "target": path, "filter": name}``;
the answer is one line on stdout, ``{"ok": true}`` or ``{"error": "..."}``.

This file runs under the system interpreter, which has ``uno`` but none of the project's
packages: it imports the standard library and ``uno`` only. It dies with its parent (the
worker), and takes its LibreOffice with it.
"""

import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue

_PR_SET_PDEATHSIG = 1
_CONNECT_SECONDS = 60


def main() -> None:
    # The worker caps its address space; LibreOffice maps far more than it uses.
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    ctypes.CDLL("libc.so.6").prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    with tempfile.TemporaryDirectory(prefix="nianbao-uno-") as workdir:
        pipe = f"nianbao-{os.getpid()}"
        office = subprocess.Popen(
            [
                sys.argv[1],
                f"-env:UserInstallation=file://{workdir}/profile",
                "--headless",
                "--invisible",
                "--nologo",
                "--norestore",
                "--nodefault",
                "--nolockcheck",
                f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own group: ending it ends oosplash and soffice.bin
        )

        def end(*_):
            try:
                os.killpg(office.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os._exit(0)

        signal.signal(signal.SIGTERM, end)
        try:
            desktop = _connect(pipe, office)
            _answer({"ok": True, "ready": True})
            for line in sys.stdin:
                _answer(_convert(desktop, json.loads(line)))
        finally:
            end()


def _connect(pipe: str, office: subprocess.Popen):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + _CONNECT_SECONDS
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", context
            )
        except Exception:  # NoConnectException until LibreOffice listens
            if office.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _convert(desktop, request: dict) -> dict:
    document = None
    try:
        document = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(request["source"]),
            "_blank",
            0,
            (_property("Hidden", True), _property("ReadOnly", True)),
        )
        if document is None:
            return {"error": "LibreOffice could not load the document"}
        document.storeToURL(
            uno.systemPathToFileUrl(request["target"]),
            (_property("FilterName", request["filter"]),),
        )
        return {"ok": True}
    except Exception as error:  # any UNO exception: the answer says which
        return {"error": f"{type(error).__name__}: {getattr(error, 'Message', error)}"[:300]}
    finally:
        if document is not None:
            try:
                document.close(True)
            except Exception:
                pass


def _property(name: str, value) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _answer(reply: dict) -> None:
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
