"""The server's access log (--access-log FILE: one line per request) and its warning when it
listens beyond the loopback interface."""
import re

from conftest import Server, build_sample_index

LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ) (\S+) (GET|POST|DELETE|HEAD) (\S+) (\d{3}) "
                  r"(\d+|-) (\d+\.\d)ms$")


def test_access_log_one_line_per_request(tmp_path):
    ix = build_sample_index(tmp_path / "ix")
    log = tmp_path / "access.log"
    s = Server(ix, "--access-log", log)
    try:
        st, h, body = s.get("/api/search?q=dravik")
        assert st == 200
        st2, h2, body2 = s.get("/no/such/page")
        assert st2 == 404
        s.get("/")
    finally:
        err = s.stop()
    lines = log.read_text().splitlines()
    assert len(lines) == 3, lines
    m = [LINE.match(l) for l in lines]
    assert all(m), lines
    # a line is written when its request completes: threads may finish them in another order
    got = {x.group(4): (x.group(2), x.group(3), x.group(5), x.group(6)) for x in m}
    assert got == {"/api/search": ("127.0.0.1", "GET", "200", str(len(body))),
                   "/no/such/page": ("127.0.0.1", "GET", "404", str(len(body2))),
                   "/": ("127.0.0.1", "GET", "200", got["/"][3])}
    assert "warning" not in err and err.strip() == "", err  # no noise on loopback


def test_warning_when_listening_beyond_loopback(tmp_path):
    ix = build_sample_index(tmp_path / "ix")
    s = Server(ix, "--listen", "0.0.0.0:0")
    try:
        pass
    finally:
        err = s.stop()
    assert "warning: listening on 0.0.0.0:" in err and "reachable from other machines" in err, err
