from weiming.sims import cache


def test_cache_roundtrip_and_key_sensitivity(tmp_path, monkeypatch):
    monkeypatch.setenv("WEIMING_CACHE", str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        return {"x": [1.0, 2.0]}

    a = cache.cached("t", {"w": 1.0}, compute)
    b = cache.cached("t", {"w": 1.0}, compute)
    assert a == b == {"x": [1.0, 2.0]} and len(calls) == 1
    cache.cached("t", {"w": 1.0000001}, compute)
    assert len(calls) == 2
    assert not list(tmp_path.rglob("*.tmp"))


def test_cache_off(monkeypatch):
    monkeypatch.setenv("WEIMING_CACHE", "off")
    n = []
    cache.cached("t", {"a": 1}, lambda: n.append(1) or 1)
    cache.cached("t", {"a": 1}, lambda: n.append(1) or 1)
    assert len(n) == 2
