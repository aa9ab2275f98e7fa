"""`python -m parkbeat` / `parkbeat`: the same as manage.py, plus `run`, the demo that `make run` starts.

`python -m parkbeat run [--host H] [--port P] [--web-workers N] [--web-threads N]` migrates the database,
loads the demo station (in demo mode), collects static files, then starts the job consumer (run_huey) and
the web server (granian) as child processes in their own process groups. In a terminal it takes the
foreground for itself, so Ctrl-C reaches this process alone (not make, which then exits 0 too). It prints
the address and the demo accounts once, when the server answers, and on Ctrl-C (SIGINT) or SIGTERM stops
both children and exits 0. If a child dies on its own, the other is stopped and the exit status is 1.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import unicodedata

STOP_SECONDS = 10  # per child, after which it is killed
START_SECONDS = 60  # for the web server to answer on its port


def main(argv=None):
    argv = list(argv or sys.argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parkbeat.settings")
    if len(argv) > 1 and argv[1] == "run":
        return run(argv[2:])
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)
    return 0


# ------------------------------------------------------------------ run
def say(text=""):
    print(text, flush=True)


def width(text):
    """Columns the text takes in a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text, columns):
    return text + " " * max(columns - width(text), 0)


def account_lines(accounts, password_hint):
    """The demo accounts as aligned rows (username, name, role, place) under a header with the password."""
    rows = [(a.username, a.name, str(a.role), a.place) for a in accounts]
    columns = [max(width(row[k]) for row in rows) + 2 for k in range(3)] if rows else []
    lines = [f"  Demo accounts (password: {password_hint}):"]
    lines += [("    " + "".join(pad(cell, columns[k]) for k, cell in enumerate(row[:3])) + row[3]).rstrip()
              for row in rows]
    return lines


def port_free(host, port):
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def answers(host, port):
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _die_with_parent():
    """In the child: SIGTERM when this supervisor dies without stopping it (Linux), so nothing is left behind."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def start(command):
    # Own process group: Ctrl-C in the terminal is not delivered to the children twice (by the terminal
    # and by stop()); the supervisor alone decides how they stop.
    return subprocess.Popen(command, process_group=0, preexec_fn=_die_with_parent if sys.platform == "linux" else None)


def stop(children):
    """Stop each child gently (huey: SIGINT finishes the running task; granian: SIGTERM), then kill."""
    for child, sig in children:
        if child.poll() is None:
            child.send_signal(sig)
    deadline = time.monotonic() + STOP_SECONDS
    for child, _sig in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def take_terminal():
    """When started in the foreground of a terminal (make run), become the terminal's foreground process group
    alone: Ctrl-C then reaches this process and not make, so make sees exit 0 and prints no error. Returns the
    function that gives the terminal back. Ctrl-Z is ignored: a stopped supervisor would hold the terminal."""
    try:
        fd = sys.stdin.fileno()
        if not os.isatty(fd) or os.tcgetpgrp(fd) != os.getpgrp():
            return lambda: None
        previous = os.getpgrp()
        signal.signal(signal.SIGTTOU, signal.SIG_IGN)  # changing the foreground group from the background
        os.setpgid(0, 0)
        os.tcsetpgrp(fd, os.getpgrp())
    except (OSError, ValueError, AttributeError):
        return lambda: None
    signal.signal(signal.SIGTSTP, signal.SIG_IGN)

    def give_back():
        try:
            os.tcsetpgrp(fd, previous)
        except OSError:
            pass

    return give_back


class Stop(BaseException):
    """Ctrl-C or SIGTERM: raised out of whatever runs (like KeyboardInterrupt), never caught as an error."""


def _interrupted(signum, frame):
    raise Stop()


def run(args):
    parser = argparse.ArgumentParser(prog="python -m parkbeat run", description="Set up and start the demo.")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--web-workers", type=int, default=1, help="granian worker processes (default 1)")
    parser.add_argument("--web-threads", type=int, default=4, help="threads per worker (default 4)")
    options = parser.parse_args(args)
    host, port = options.host, options.port

    signal.signal(signal.SIGINT, _interrupted)
    signal.signal(signal.SIGTERM, _interrupted)
    give_back = take_terminal()
    children = []
    try:
        return _run(options, host, port, children)
    except Stop:
        say()
        say("==> stopping the web server and the job consumer")
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
        stop(children)
        say("==> stopped")
        return 0
    finally:
        stop(children)
        give_back()


def _run(options, host, port, children):
    if not port_free(host, port):
        say(f"Port {port} on {host} is in use: stop what runs there or choose another (make run PORT=8001).")
        return 1
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.utils import translation

    django.setup()
    say("==> migrating the database")
    call_command("migrate", interactive=False, verbosity=1)
    accounts = []
    if settings.DEMO_MODE:
        from parkbeat.core import demo

        say("==> loading the demo station")
        call_command("seed_demo", list_accounts=False)
        accounts = demo.account_listing()
    say("==> collecting static files")
    call_command("collectstatic", interactive=False, verbosity=0)

    say("==> starting the job consumer and the web server")
    python = sys.executable
    consumer = [python, "-m", "parkbeat", "run_huey"]
    children.append((start(consumer), signal.SIGINT))
    # A web worker that dies is started again by granian itself (as in deploy/systemd/parkbeat-web.service).
    children.append((start([python, "-m", "granian", "--interface", "wsgi", "--host", host, "--port", str(port),
                            "--workers", str(options.web_workers), "--blocking-threads", str(options.web_threads),
                            "--respawn-failed-workers", "--respawn-interval", "1",
                            "--workers-kill-timeout", "5", "--no-ws", "parkbeat.wsgi:application"]),
                     signal.SIGTERM))
    deadline = time.monotonic() + START_SECONDS
    while not answers(host, port):
        if any(child.poll() is not None for child, _sig in children) or time.monotonic() > deadline:
            say("The web server or the job consumer did not start; see the lines above.")
            return 1
        time.sleep(0.2)

    url = f"http://{host if ':' not in host else f'[{host}]'}:{port}/"
    say()
    say(f"  ParkBeat 园区警务平台{' (demo)' if settings.DEMO_MODE else ''}:  {url}")
    say(f"  API docs:  {url}api/docs/")
    if accounts:
        # Shown only when it is the documented default, never one set in the environment (as seed_demo).
        hint = settings.DEMO_PASSWORD
        if "PARKBEAT_DEMO_PASSWORD" in os.environ:
            hint = "the value of PARKBEAT_DEMO_PASSWORD"
        with translation.override(settings.LANGUAGE_CODE):
            for line in account_lines(accounts, hint):
                say(line)
    say("  Ctrl-C stops the server and the job consumer.")
    say()
    while True:
        if children[0][0].poll() is not None:  # the job consumer exited: start it again, as systemd would
            say(f"==> the job consumer stopped by itself (exit {children[0][0].returncode}); starting it again")
            time.sleep(1)
            children[0] = (start(consumer), signal.SIGINT)
        web = children[1][0]
        if web.poll() is not None:
            say(f"==> the web server stopped by itself (exit {web.returncode}); stopping the job consumer")
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
