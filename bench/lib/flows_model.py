"""A seeded, realistic Node-RED flow set (tabs, function nodes with JS, wires) and small edits to it.

Used by gen_repo.py. Everything is derived from one random.Random, so the same seed gives the same
bytes on every machine.
"""
import json

TAB_NAMES = ["Kitchen sensors", "Greenhouse", "HTTP API", "MQTT bridge", "Energy meter",
             "Alarms", "Reporting", "Device fleet", "Weather", "Maintenance"]
TOPICS = ["home/kitchen/temp", "home/kitchen/humidity", "greenhouse/soil", "greenhouse/valve",
          "energy/meter/power", "energy/meter/total", "alarm/door", "alarm/smoke", "fleet/status",
          "weather/station/wind", "weather/station/rain", "plant/line1/count"]
VARS = ["value", "reading", "temp", "level", "count", "total", "delta", "avg", "limit", "state"]
FIELDS = ["temperature", "humidity", "power", "voltage", "battery", "rssi", "status", "speed"]


def _js_line(rnd, indent="    "):
    v, w, f = rnd.choice(VARS), rnd.choice(VARS), rnd.choice(FIELDS)
    n = rnd.randint(1, 500)
    return indent + rnd.choice([
        f"const {v} = Number(msg.payload.{f}) || 0;",
        f"let {v} = flow.get('{f}') || {n};",
        f"if ({v} > {n}) {{ node.warn('{f} above {n}: ' + {v}); }}",
        f"msg.payload.{f} = Math.round({v} * {n}) / {n};",
        f"flow.set('{f}', {v});",
        f"context.set('last_{f}', Date.now());",
        f"const {w}List = (msg.payload.items || []).filter(x => x.{f} !== undefined);",
        f"node.status({{fill: 'green', shape: 'dot', text: '{f} ' + {v}}});",
        f"msg.topic = '{rnd.choice(TOPICS)}';",
        f"{v} = Math.min({v}, {n});",
        f"// {f} is reported in tenths by older firmware",
        f"if (!msg.payload || typeof msg.payload !== 'object') {{ return null; }}",
        f"msg.headers = {{ 'content-type': 'application/json' }};",
        f"const {w} = env.get('{f.upper()}_LIMIT') || {n};",
        f"msg.payload.ts = new Date().toISOString();",
    ])


def function_code(rnd, lines):
    body = [_js_line(rnd, "") for _ in range(lines - 1)]
    if rnd.random() < 0.3 and lines > 6:
        k = rnd.randint(1, lines - 4)
        body[k:k + 2] = ["for (const item of msg.payload.items || []) {",
                         _js_line(rnd), "}"]
    return "\n".join(body + ["return msg;"])


class FlowSet:
    """The flow configuration: an ordered list of node dicts plus a serialisation cache."""

    def __init__(self, rnd, target_nodes):
        self.rnd = rnd
        self.nodes = []
        self.by_id = {}
        self.cache = {}
        self._build(target_nodes)

    def new_id(self):
        while True:
            nid = "%016x" % self.rnd.getrandbits(64)
            if nid not in self.by_id:
                return nid

    def _add(self, node):
        self.nodes.append(node)
        self.by_id[node["id"]] = node
        return node

    def _build(self, target):
        rnd = self.rnd
        broker = self._add({"id": self.new_id(), "type": "mqtt-broker", "name": "plant broker",
                            "broker": "mqtt.local", "port": "1883", "clientid": "",
                            "autoConnect": True, "usetls": False, "protocolVersion": "4",
                            "keepalive": "60", "cleansession": True})
        tabs = [self._add({"id": self.new_id(), "type": "tab", "label": name, "disabled": False,
                           "info": ""}) for name in TAB_NAMES]
        row = {t["id"]: 0 for t in tabs}
        while len(self.nodes) < target:
            tab = rnd.choice(tabs)
            self._chain(tab["id"], row[tab["id"]], broker["id"])
            row[tab["id"]] += 1

    def _node(self, z, typ, x, y, **kw):
        node = {"id": self.new_id(), "type": typ, "z": z, "name": kw.pop("name", "")}
        node.update(kw)
        node.update({"x": x, "y": y, "wires": [[]]})
        return self._add(node)

    def _chain(self, z, row, broker):
        rnd = self.rnd
        y = 60 + row * 80
        kind = rnd.choice(["inject", "http", "mqtt"])
        if kind == "inject":
            src = self._node(z, "inject", 130, y, name="every %ds" % rnd.choice([5, 10, 30, 60]),
                             props=[{"p": "payload"}, {"p": "topic", "vt": "str"}],
                             repeat=str(rnd.choice([5, 10, 30, 60])), crontab="", once=False,
                             onceDelay=0.1, topic=rnd.choice(TOPICS), payload="", payloadType="date")
        elif kind == "http":
            src = self._node(z, "http in", 130, y, url="/api/%s/%d" % (rnd.choice(FIELDS), row),
                             method=rnd.choice(["get", "post"]), upload=False, swaggerDoc="")
        else:
            src = self._node(z, "mqtt in", 130, y, topic=rnd.choice(TOPICS), qos="1",
                             datatype="json", broker=broker, nl=False, rap=True, rh=0, inputs=0)
        prev, x = src, 330
        for _ in range(rnd.randint(2, 5)):
            typ = rnd.choices(["function", "change", "switch", "delay", "template"],
                              [5, 2, 2, 1, 1])[0]
            if typ == "function":
                n = self._node(z, "function", x, y, name="calc %s" % rnd.choice(FIELDS),
                               func=function_code(rnd, rnd.randint(5, 40)), outputs=1,
                               timeout=0, noerr=0, initialize="", finalize="", libs=[])
            elif typ == "change":
                n = self._node(z, "change", x, y, name="", rules=[
                    {"t": "set", "p": "payload.%s" % rnd.choice(FIELDS), "pt": "msg",
                     "to": str(rnd.randint(0, 100)), "tot": "num"}],
                               action="", property="", to="", reg=False, **{"from": ""})
            elif typ == "switch":
                n = self._node(z, "switch", x, y, name="", property="payload", propertyType="msg",
                               rules=[{"t": "gt", "v": str(rnd.randint(0, 50)), "vt": "num"},
                                      {"t": "else"}], checkall="true", repair=False, outputs=2)
                n["wires"] = [[], []]
            elif typ == "delay":
                n = self._node(z, "delay", x, y, pauseType="rate", timeout="5", timeoutUnits="seconds",
                               rate="1", nbRateUnits="1", rateUnits="second", drop=True)
            else:
                n = self._node(z, "template", x, y, field="payload", fieldType="msg", format="handlebars",
                               syntax="mustache", template="<p>{{payload.%s}}</p>" % rnd.choice(FIELDS),
                               output="str")
            prev["wires"][0].append(n["id"])
            prev, x = n, x + 200
        if kind == "http":
            sink = self._node(z, "http response", x, y, statusCode="", headers={})
        elif rnd.random() < 0.4:
            sink = self._node(z, "mqtt out", x, y, topic=rnd.choice(TOPICS), qos="", retain="",
                              broker=broker)
        else:
            sink = self._node(z, "debug", x, y, active=rnd.random() < 0.5, tosidebar=True,
                              console=False, tostatus=False, complete="payload", targetType="msg")
            sink["wires"] = []
        prev["wires"][0].append(sink["id"])
        if "outputs" in prev and prev["outputs"] == 2 and prev["type"] == "switch":
            prev["wires"][1].append(sink["id"])

    def serialize(self):
        """flows.json as Node-RED writes it with flowFilePretty (4-space indent)."""
        parts = []
        for node in self.nodes:
            s = self.cache.get(node["id"])
            if s is None:
                s = "    " + json.dumps(node, indent=4, ensure_ascii=False).replace("\n", "\n    ")
                self.cache[node["id"]] = s
            parts.append(s)
        return ("[\n" + ",\n".join(parts) + "\n]\n").encode("utf-8")

    def touch(self, node):
        self.cache.pop(node["id"], None)

    # ---- small edits, each returns a commit message ----

    def edit(self):
        rnd = self.rnd
        r = rnd.random()
        if r < 0.5:
            return self._edit_function()
        if r < 0.75:
            return self._move()
        if r < 0.9:
            return self._rewire()
        return self._tweak()

    def _pick(self, *types):
        return self.rnd.choice([n for n in self.nodes if n["type"] in types])

    def _edit_function(self):
        rnd, n = self.rnd, self._pick("function")
        lines = n["func"].split("\n")
        k = rnd.randrange(len(lines) - 1)
        op = rnd.random()
        if op < 0.6 or len(lines) < 6:
            lines[k] = _js_line(rnd, "")
            what = "change"
        elif op < 0.8 and len(lines) < 45:
            lines.insert(k, _js_line(rnd, ""))
            what = "add a line to"
        else:
            del lines[k]
            what = "drop a line from"
        n["func"] = "\n".join(lines)
        self.touch(n)
        return "%s %s" % (what, n["name"] or "function")

    def _move(self):
        rnd = self.rnd
        moved = [self._pick("function", "change", "switch", "debug", "inject", "delay")
                 for _ in range(rnd.randint(1, 4))]
        for n in moved:
            n["x"] = max(100, n["x"] + rnd.choice([-40, -20, 20, 40]))
            n["y"] = max(40, n["y"] + rnd.choice([-20, 20]))
            self.touch(n)
        return "tidy layout (%d nodes)" % len(moved)

    def _rewire(self):
        rnd = self.rnd
        src = self._pick("function", "change", "delay", "template")
        same_tab = [n for n in self.nodes if n.get("z") == src["z"] and n["id"] != src["id"]
                    and n["type"] in ("debug", "function", "change", "mqtt out")]
        if not same_tab:
            return self._move()
        dst = rnd.choice(same_tab)
        if src["wires"][0] and rnd.random() < 0.5:
            src["wires"][0][rnd.randrange(len(src["wires"][0]))] = dst["id"]
        else:
            src["wires"][0].append(dst["id"])
        self.touch(src)
        return "rewire %s" % (src["name"] or src["type"])

    def _tweak(self):
        rnd = self.rnd
        n = self._pick("inject", "switch", "change")
        if n["type"] == "inject":
            n["repeat"] = str(rnd.choice([5, 10, 15, 30, 60, 120]))
        elif n["type"] == "switch":
            n["rules"][0]["v"] = str(rnd.randint(0, 80))
        else:
            n["rules"][0]["to"] = str(rnd.randint(0, 100))
        self.touch(n)
        return "tune %s" % n["type"]
