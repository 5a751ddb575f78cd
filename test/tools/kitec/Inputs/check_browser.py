"""Loads an HTML page in headless Chromium and takes a screenshot.

check_browser.py page.html shot.png profile-dir
Prints one line and exits 0 when the page loaded with no console message
(script errors, failed loads) and the screenshot is a non-blank PNG;
otherwise prints what went wrong and exits 1."""
import pathlib
import subprocess
import sys

page, shot, profile = (pathlib.Path(a).resolve() for a in sys.argv[1:4])
shot.unlink(missing_ok=True)
run = subprocess.run(
    ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
     "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}",
     "--window-size=1000,1300", f"--screenshot={shot}", page.as_uri()],
    capture_output=True, text=True, timeout=120)
console = [l for l in run.stderr.splitlines() if ":CONSOLE" in l]
if run.returncode or console:
    print(f"chromium exit {run.returncode}; console: {console}")
    sys.exit(1)
data = shot.read_bytes() if shot.exists() else b""
if not data.startswith(b"\x89PNG\r\n\x1a\n"):
    print("no PNG screenshot")
    sys.exit(1)
width = int.from_bytes(data[16:20], "big")
height = int.from_bytes(data[20:24], "big")
# A blank page compresses to almost nothing; a drawn one does not.
if len(data) < 20000:
    print(f"screenshot {width}x{height} is blank ({len(data)} bytes)")
    sys.exit(1)
print(f"loaded with no console messages; screenshot {width}x{height}")
