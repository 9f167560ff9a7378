"""The results table (markdown): every figure, its ratio to the reference, the goal and whether it is met."""

GOAL_POLL_RATIO, GOAL_POLL_P99_MS = 5.0, 20.0
GOAL_CLONE, GOAL_FETCH, GOAL_PUSH = 1.25, 1.25, 1.5
GOAL_START_S, GOAL_RSS_MB = 3.0, 300.0


def _f(v, fmt):
    return "—" if v is None else fmt % v


def _ratio(ours, ref):
    return None if ours is None or not ref else ours / ref


def _bad(poll):
    """wrk counts answers that are not 2xx/3xx: such a figure is not a poll rate."""
    return " (%d non-2xx!)" % poll["non2xx"] if poll and poll.get("non2xx") else ""


def _met(ok):
    return "—" if ok is None else ("yes" if ok else "**no**")


def rows(res):
    out = []
    ours_poll = {p["connections"]: p for p in res.get("poll", {}).get("flowstage", [])}
    for ref in res.get("poll", {}).get("reference", []):
        c = ref["connections"]
        o = ours_poll.get(c)
        r = _ratio(o and o["rps"], ref["rps"])
        goal = "≥ %.0f× ref" % GOAL_POLL_RATIO if c == 64 else ""
        met = _met(None if r is None or c != 64 else r >= GOAL_POLL_RATIO and not _bad(o))
        out.append(("poll ls-refs, %d connections: req/s" % c, _f(o and o["rps"], "%.0f") + _bad(o),
                    "%.0f" % ref["rps"] + _bad(ref), _f(r, "%.2f×"), goal, met))
        r = _ratio(o and o["p99_ms"], ref["p99_ms"])
        goal = "< %.0f ms" % GOAL_POLL_P99_MS if c == 64 else ""
        met = _met(None if o is None or c != 64 else o["p99_ms"] < GOAL_POLL_P99_MS)
        out.append(("poll ls-refs, %d connections: p99" % c, _f(o and o["p99_ms"], "%.1f ms"),
                    "%.1f ms" % ref["p99_ms"], _f(r, "%.2f×"), goal, met))
    for key, label, goal in (("clone", "full clone (median)", GOAL_CLONE),
                             ("fetch", "fetch of 1 new commit (median)", GOAL_FETCH),
                             ("push", "push of 1 commit (median)", GOAL_PUSH)):
        m = res.get(key)
        if not m:
            continue
        ref = m["reference"]["median_s"]
        ours = m.get("flowstage", {}).get("median_s")
        r = _ratio(ours, ref)
        out.append((label, _f(ours and ours * 1000, "%.0f ms"), "%.0f ms" % (ref * 1000),
                    _f(r, "%.2f×"), "≤ %.2f× ref" % goal, _met(None if r is None else r <= goal)))
    s = res.get("startup")
    if s:
        o, ref = s.get("flowstage", {}), s["reference"]
        out.append(("start-up to healthy, %d repos" % s["repos"], _f(o.get("seconds"), "%.2f s"),
                    "%.2f s" % ref["seconds"], _f(_ratio(o.get("seconds"), ref["seconds"]), "%.1f×"),
                    "< %.0f s" % GOAL_START_S,
                    _met(None if o.get("seconds") is None else o["seconds"] < GOAL_START_S)))
        out.append(("idle RSS after start-up", _f(o.get("rss_mb"), "%.0f MB"),
                    "%.0f MB" % ref["rss_mb"], _f(_ratio(o.get("rss_mb"), ref["rss_mb"]), "%.1f×"),
                    "< %.0f MB" % GOAL_RSS_MB,
                    _met(None if o.get("rss_mb") is None else o["rss_mb"] < GOAL_RSS_MB)))
    return out


def markdown(res):
    lines = ["# Flowstage benchmark — latest results", "",
             "Run: %s. %s" % (res["when"], res["env"]), "",
             "Repository: %s" % res["repo"], "",
             "| measurement | Flowstage | reference (git http-backend + lighttpd) | ours/ref | goal | met |",
             "| --- | ---: | ---: | ---: | --- | --- |"]
    lines += ["| %s |" % " | ".join(r) for r in rows(res)]
    lines += ["", "Method: " + res["method"], ""]
    if res.get("notes"):
        lines += ["Notes:"] + ["- " + n for n in res["notes"]] + [""]
    return "\n".join(lines)


def console(res):
    widths = [40, 12, 12, 10, 14, 6]
    header = ("measurement", "flowstage", "reference", "ours/ref", "goal", "met")
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths))]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows(res)]
    return "\n".join(out)
