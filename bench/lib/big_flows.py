"""The 10,000-node snapshots of the issue 3 benchmarks: a seeded flow set scaled up from flows_model,
and a second snapshot with a realistic set of changes (about 1% of the nodes).

make_repo() writes both as two commits of a bare repository (refs/heads/snap1, refs/heads/snap2,
snap2's parent is snap1) with `git fast-import`; deterministic for a seed.
"""
import os
import random
import subprocess

from flows_model import FlowSet, TAB_NAMES
from gen_repo import AUTHORS, EPOCH, project_files, write_blob


class BigFlowSet(FlowSet):
    """FlowSet with more tabs (a 10,000-node project does not keep 1,000 nodes on a tab)."""

    def __init__(self, rnd, target_nodes, tabs):
        self.tab_count = tabs
        super().__init__(rnd, target_nodes)

    def _build(self, target):
        rnd = self.rnd
        broker = self._add({"id": self.new_id(), "type": "mqtt-broker", "name": "plant broker",
                            "broker": "mqtt.local", "port": "1883", "clientid": "",
                            "autoConnect": True, "usetls": False, "protocolVersion": "4",
                            "keepalive": "60", "cleansession": True})
        tabs = [self._add({"id": self.new_id(), "type": "tab", "disabled": False, "info": "",
                           "label": "%s %d" % (TAB_NAMES[i % len(TAB_NAMES)], i // len(TAB_NAMES) + 1)})
                for i in range(self.tab_count)]
        row = {t["id"]: 0 for t in tabs}
        while len(self.nodes) < target:
            tab = rnd.choice(tabs)
            self._chain(tab["id"], row[tab["id"]], broker["id"])
            row[tab["id"]] += 1
        self.tabs, self.broker, self.rows = tabs, broker, row


def mutate(flows, share=0.01):
    """About SHARE of the nodes touched the way people edit flows; returns a description.

    Of those: 40% function code edited (a line changed, added or dropped), 25% moved, 15% rewired,
    10% a property tuned; then one new chain of nodes is added and 5 debug nodes are removed
    (with the wires that pointed at them).
    """
    rnd = flows.rnd
    budget = max(10, int(len(flows.nodes) * share))
    counts = {"function edits": int(budget * 0.4), "moves": int(budget * 0.25),
              "rewires": int(budget * 0.15), "tweaks": int(budget * 0.1)}
    for _ in range(counts["function edits"]):
        flows._edit_function()
    movable = [n for n in flows.nodes if "x" in n]
    for n in rnd.sample(movable, counts["moves"]):
        n["x"] = max(100, n["x"] + rnd.choice([-40, -20, 20, 40]))
        n["y"] = max(40, n["y"] + rnd.choice([-20, 20]))
        flows.touch(n)
    for _ in range(counts["rewires"]):
        flows._rewire()
    for _ in range(counts["tweaks"]):
        flows._tweak()
    before = len(flows.nodes)
    tab = rnd.choice(flows.tabs)
    flows._chain(tab["id"], flows.rows[tab["id"]], flows.broker["id"])
    added = len(flows.nodes) - before
    victims = {n["id"] for n in rnd.sample([n for n in flows.nodes if n["type"] == "debug"], 5)}
    flows.nodes = [n for n in flows.nodes if n["id"] not in victims]
    for n in flows.nodes:
        wires = n.get("wires")
        if wires and any(w in victims for port in wires for w in port):
            n["wires"] = [[w for w in port if w not in victims] for port in wires]
            flows.touch(n)
    for v in victims:
        flows.by_id.pop(v, None)
    counts.update({"nodes added": added, "nodes removed": len(victims)})
    return ", ".join("%d %s" % (v, k) for k, v in counts.items())


def _commit(out, ref, when, message, files, parent=None):
    name, email = AUTHORS[0]
    msg = message.encode()
    out.write(b"commit %s\n" % ref.encode())
    out.write(b"author %s <%s> %d +0000\n" % (name.encode(), email.encode(), when))
    out.write(b"committer %s <%s> %d +0000\n" % (name.encode(), email.encode(), when))
    out.write(b"data %d\n%s\n" % (len(msg), msg))
    if parent:
        out.write(b"from %s\n" % parent.encode())
    for path, data in files.items():
        write_blob(out, path, data)
    out.write(b"\n")


def make_repo(dest, nodes=10000, tabs=40, seed=7):
    """Bare repo DEST with refs/heads/snap1, snap2 and bad (a duplicate id); returns a dict describing them."""
    rnd = random.Random(seed)
    flows = BigFlowSet(rnd, nodes, tabs)
    files, _ = project_files(rnd)
    files["flows.json"] = flows.serialize()
    n1, size1 = len(flows.nodes), len(files["flows.json"])
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", dest], check=True)
    fi = subprocess.Popen(["git", "--git-dir", dest, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    _commit(fi.stdin, "refs/heads/snap1", EPOCH, "Plant flows, %d nodes\n" % n1, files)
    changes = mutate(flows)
    data2 = flows.serialize()
    _commit(fi.stdin, "refs/heads/snap2", EPOCH + 3600, "Weekly changes: %s\n" % changes,
            {"flows.json": data2}, parent="refs/heads/snap1")
    bad = dict(files, **{"flows.json": b'[{"id": "a1", "type": "tab", "label": "One"},\n'
                                       b' {"id": "a1", "type": "tab", "label": "Two"}]\n'})
    _commit(fi.stdin, "refs/heads/bad", EPOCH, "Two tabs with one id\n", bad)
    fi.stdin.close()
    if fi.wait() != 0:
        raise RuntimeError("git fast-import failed")
    return {"nodes1": n1, "bytes1": size1, "nodes2": len(flows.nodes), "bytes2": len(data2),
            "tabs": tabs, "changes": changes}


def generator_files():
    here = os.path.dirname(os.path.abspath(__file__))
    return [os.path.join(here, f) for f in ("big_flows.py", "flows_model.py", "gen_repo.py")]
