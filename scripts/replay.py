#!/usr/bin/env python3
"""Replay a doublerandom draw from its files with hashlib alone.

    python3 scripts/replay.py DIR (--dice DIGITS | --hex HEX) [--blind HEX] [--published]

DIR holds plan.json, premises.csv, inspectors.csv and optionally conflicts.csv
and history.csv (UTF-8, UTF-8 with BOM, GBK or GB18030). The seed is the dice
digits read at the ceremony (--dice) or the seed bytes in hex (--hex).

A doublerandom/v2 plan is replayed completely (SPEC.md Part III): roots, key,
every task and group, every visit with its team. The output is the JSON view,
byte for byte what `go run ./examples/cli draw --view` writes. --blind gives the
agency's 32-byte blinding key for private attributes (default: 32 zero bytes,
as the test vectors use); --published reads tables whose private attributes are
already their digests D, as the public bundle holds them.

A doublerandom/v1 plan is replayed up to the selection (key, roots, strata and
selected premises), which is what v1's self-check rests on.
"""
import argparse, csv, datetime, hashlib, hmac, io, json, math, os, sys
from fractions import Fraction


def die(msg): print("replay.py: " + msg, file=sys.stderr); sys.exit(2)
def H(*parts): return hashlib.sha256(b"".join(parts)).digest()
def u32(n): return n.to_bytes(4, "big")
def lp(s): b = s if isinstance(s, bytes) else s.encode(); return u32(len(b)) + b
def u64(b): return int.from_bytes(b[:8], "big")
def hex16(n): return None if n is None else f"{n:016x}"
def key(s): return s.encode()  # "bytes order": UTF-8 bytes compare like code points


def mth(leaves):  # RFC 6962 Merkle tree hash over leaf hashes
    if not leaves: return H()
    if len(leaves) == 1: return leaves[0]
    k = 1 << (len(leaves) - 1).bit_length() - 1
    return H(b"\1", mth(leaves[:k]), mth(leaves[k:]))


LINES = {}  # (table, id) -> line in its file, for messages
LISTS = {"premises": {"matters"}, "inspectors": {"specialties"}, "history": {"inspectors", "matters"}}


def read_table(d, name, v2):
    """{id: {attribute: value}} with empty values dropped and list attributes canonical."""
    f = os.path.join(d, name + ".csv")
    if not os.path.exists(f): return {}
    raw = open(f, "rb").read()
    try: text = raw.decode("utf-8-sig")
    except UnicodeDecodeError: text = raw.decode("gb18030")
    lists = LISTS.get(name, set()) if v2 else {"specialties", "inspectors"}
    rows, reader = {}, csv.DictReader(io.StringIO(text, newline=""))
    for r in reader:
        a = {k: (";".join(sorted(set(v.split(";")), key=key)) if k in lists else v) for k, v in r.items() if v}
        i = a.pop("id", None) or a["inspector"] + " " + a["premises"]
        LINES[name, i] = reader.line_num
        rows[i] = a
    return rows


def root(name, rows, private, blind, published, v2=True):
    leaves = []
    for i in sorted(rows, key=key):
        a = rows[i]; es = []
        for n in sorted(a, key=key):
            if not v2:  # v1 leaves have no public/private marker
                es.append(lp(n) + lp(a[n]))
            elif n not in private:
                es.append(lp(n) + b"\0" + lp(a[n]))
            elif published:
                es.append(lp(n) + b"\1" + bytes.fromhex(a[n]))
            else:
                salt = hmac.new(blind, lp(name) + lp(i) + lp(n), hashlib.sha256).digest()[:16]
                es.append(lp(n) + b"\1" + H(b"doublerandom/v2/private", lp(salt), lp(a[n])))
        leaves.append(H(b"\0", lp(i), u32(len(a)), *es))
    return mth(leaves)


def ratio(s):  # "5%", "0.5%", "1/3": exact
    return Fraction(s[:-1]) / 100 if s.endswith("%") else Fraction(s)


def replay_v2(d, plan, plan_bytes, seed, blind, published):
    T = {n: read_table(d, n, True) for n in ("premises", "inspectors", "conflicts", "history")}
    private = plan.get("private", {})
    roots = {n: root(n, T[n], set(private.get(n, [])), blind, published) for n in T}
    inputs = H(b"doublerandom/v2/inputs", H(plan_bytes), *roots.values())
    K = H(b"doublerandom/v2/key", lp(seed), inputs)
    P = lambda p: u64(H(K, b"\1", lp(p)))
    Q = lambda p, i: u64(H(K, b"\2", lp(p), lp(i)))
    day = datetime.date.fromisoformat(plan["date"])
    within = lambda date, days: 0 <= (day - datetime.date.fromisoformat(date)).days < days
    inactive, active = plan.get("inactive", ["inactive", "closed"]), plan.get("active")
    prem, insp = T["premises"], T["inspectors"]
    for name, rows in (("premises", prem), ("inspectors", insp)):
        for i, a in rows.items():
            if active is not None and a.get("status", "") not in active + inactive:
                die(f"{name}.csv:{LINES[name, i]}: row {i!r}: status {a.get('status', '')!r} is in neither the plan's active nor its inactive list")

    def holds(m, a):  # a match: every attribute has a listed value ("" = absent)
        for n, vs in m.items():
            v = a.get(n, "")
            if not (v in vs if v == "" or n != "matters" else any(x in vs for x in v.split(";"))): return False
        return True

    hist = {}
    for h in T["history"].values(): hist.setdefault(h["premises"], []).append(h)
    def counting(p, days, kinds): return [h for h in hist.get(p, []) if within(h["date"], days) and (kinds is None or h.get("kind", "") in kinds)]
    scope = plan.get("scope", {})
    in_scope = {p for p, a in prem.items() if a.get("status", "") not in inactive and holds(scope.get("include", {}), a)
                and not any(holds({n: vs}, a) for n, vs in scope.get("exclude", {}).items())}
    cooling = {p for p in in_scope if any(len(counting(p, r["days"], r.get("kinds"))) >= r["max"] for r in plan.get("cooldown", []))}
    cov = plan.get("coverage")
    def overdue(p, t):
        return bool(cov) and not any(not h.get("matters") or t.get("matter", t["id"]) in h["matters"].split(";")
                                     for h in counting(p, cov["days"], cov.get("kinds")))
    def W(p, t):
        wt = t.get("weight")
        w = wt["values"].get(prem[p].get(wt["attribute"], ""), 1) if wt else 1
        return min([P(p)] + [u64(H(K, b"\3", lp(p), u32(j))) for j in range(1, w)])

    view_tasks, picked = [], {}  # picked[p][task id] = (mark, group values)
    for t in plan["tasks"]:
        pool = sorted((p for p in in_scope if holds(t.get("match", {}), prem[p])), key=key)
        elig = [p for p in pool if p not in cooling]
        O = sum(overdue(p, t) for p in elig)
        want = max(t.get("min", 0), min(t.get("max") or math.inf, math.ceil(len(pool) * ratio(t["ratio"]))))
        if cov and cov.get("draws_left"): want = max(want, -(-O // cov["draws_left"]))
        k = min(len(elig), want)
        spread = t.get("spread")
        groups = {}
        for p in elig: groups.setdefault(tuple(prem[p].get(n, "") for n in spread) if spread else (), []).append(p)
        order = sorted(groups, key=lambda g: [key(v) for v in g]) if spread else [()]
        E = len(elig)
        alloc = {g: k * len(groups.get(g, [])) // E if E else 0 for g in order}
        for g in sorted(order, key=lambda g: (-(k * len(groups[g]) % E), [key(v) for v in g]))[:k - sum(alloc.values())] if E else []:
            alloc[g] += 1
        vgroups = []
        for g in order:
            ranked = sorted(groups.get(g, []), key=lambda p: (not overdue(p, t), W(p, t), key(p)))[:alloc[g]]
            for p in ranked: picked.setdefault(p, {})[t["id"]] = ("overdue" if overdue(p, t) else "random", list(g))
            rnd = [W(p, t) for p in ranked if not overdue(p, t)]
            vgroups.append({"values": list(g), "eligible": len(groups.get(g, [])), "overdue": sum(overdue(p, t) for p in groups.get(g, [])),
                            "quota": alloc[g], "threshold": hex16(rnd[-1] if rnd else None)})
        view_tasks.append({"id": t["id"], "pool": len(pool), "cooling": len(pool) - E, "eligible": E, "overdue": O,
                           "want": want, "quota": k, "shortfall": want - k, "groups": vgroups})
    tasks = {t["id"]: t for t in plan["tasks"]}
    for e in plan.get("targeted", []):
        p = e["id"]
        if p not in in_scope: die(f"targeted id {p!r} is not in the premises table or not in scope")
        names = e.get("tasks") or [t["id"] for t in plan["tasks"] if holds(t.get("match", {}), prem[p])]
        if not names or any(n not in tasks or not holds(tasks[n].get("match", {}), prem[p]) for n in names):
            die(f"targeted id {p!r}: no task, or a named task that does not hold for it")
        for n in names:
            sp = tasks[n].get("spread")
            picked.setdefault(p, {}).setdefault(n, ("targeted", [prem[p].get(a, "") for a in sp] if sp else []))

    # Teams (protocol v2 §6).
    teams = plan.get("teams", {})
    L, conf = teams.get("region_prefix", 0), plan.get("conflicts", {})
    declared = {(c["inspector"], c["premises"]) for c in T["conflicts"].values()} if conf.get("declared") else set()
    def eligible(p, i):
        a, b = insp[i], prem[p]
        return (a.get("status", "") not in inactive and a.get("credential_expires", "9999-12-31") >= plan["date"]
                and (L == 0 or (len(key(a.get("region", ""))) >= L and len(key(b.get("region", ""))) >= L
                                and key(a["region"])[:L] == key(b["region"])[:L]))
                and (i, p) not in declared
                and not any(i in h.get("inspectors", "").split(";") for h in counting(p, conf.get("rotation_days", 0), None))
                and (not conf.get("home_region") or ("" != a.get("home_region", "") != b.get("region", "") != "")))
    def capacity(i):
        c = insp[i].get("capacity")
        return int(c) if c is not None else (plan.get("default_capacity") or math.inf)
    left = {i: capacity(i) for i in insp}

    visits = {}
    for p in sorted(picked, key=key):
        ts = [t for t in plan["tasks"] if t["id"] in picked[p]]
        slots, seen = [], []
        counts = {}
        for t in ts:
            mine = {}
            for s in t.get("team", {}).get("slots", []):
                if holds(s.get("match", {}), prem[p]):
                    sk = (s.get("unit"), s.get("specialty")); mine[sk] = mine.get(sk, 0) + 1
                    if sk not in seen: seen.append(sk)
            for sk, c in mine.items(): counts[sk] = max(counts.get(sk, 0), c)
        slots = [sk for sk in seen for _ in range(counts[sk])]
        size = max([teams.get("size", 2), len(slots)] + [t.get("team", {}).get("size", 0) for t in ts])
        caps = [m for m in [teams.get("max_per_unit", 0)] + [t.get("team", {}).get("max_per_unit", 0) for t in ts] if m]
        E = [i for i in insp if eligible(p, i)]
        visits[p] = {"id": p, "priority": hex16(P(p)), "tasks": [{"task": t["id"], "mark": picked[p][t["id"]][0], "group": picked[p][t["id"]][1]} for t in ts],
                     "team": None, "unstaffed": None, "eligible_inspectors": len(E), "_": (slots, size, min(caps) if caps else 0, E)}
    for p in sorted(visits, key=lambda p: (visits[p]["eligible_inspectors"], P(p), key(p))):
        v = visits[p]; slots, size, mpu, E = v.pop("_")
        cands = sorted((i for i in E if left[i] > 0), key=lambda i: (Q(p, i), key(i)))
        team, units = [], {}
        room = lambda i: not mpu or units.get(insp[i].get("unit", ""), 0) < mpu
        def add(i, s): team.append({"id": i, "slot": s}); units[insp[i].get("unit", "")] = units.get(insp[i].get("unit", ""), 0) + 1
        if not E: v["unstaffed"] = "none_eligible"; continue
        for s, (unit, spec) in enumerate(slots):
            i = next((i for i in cands if i not in [m["id"] for m in team] and room(i) and (unit is None or insp[i].get("unit", "") == unit)
                      and (spec is None or spec in insp[i].get("specialties", "").split(";"))), None)
            if i is None: v["unstaffed"] = "slot"; break
            add(i, s)
        for i in cands:
            if v["unstaffed"] or len(team) >= size: break
            if i not in [m["id"] for m in team] and room(i): add(i, None)
        if not v["unstaffed"] and len(team) < size: v["unstaffed"] = "short"
        if v["unstaffed"]: continue
        v["team"] = team
        for m in team: left[m["id"]] -= 1

    unknown = {"conflicts": sum(c["inspector"] not in insp or c["premises"] not in prem for c in T["conflicts"].values()),
               "history": sum(h["premises"] not in prem or any(i not in insp for i in h.get("inspectors", "").split(";") if i)
                              for h in T["history"].values())}
    return {"protocol": "doublerandom/v2", "key": K.hex(), "inputs": inputs.hex(), "plan_digest": H(plan_bytes).hex(),
            "roots": {n: r.hex() for n, r in roots.items()}, "tasks": view_tasks,
            "visits": [visits[p] for p in sorted(visits, key=key)], "unknown_references": unknown}


def replay_v1(d, plan, plan_bytes, seed):
    T = {n: read_table(d, n, False) for n in ("premises", "inspectors", "conflicts", "history")}
    roots = {n: root(n, T[n], set(), b"", False, v2=False) for n in T}
    inputs = H(b"doublerandom/v1/inputs", H(plan_bytes), *roots.values())
    K = H(b"doublerandom/v1/key", lp(seed), inputs)
    P = lambda i: u64(H(K, b"\1", lp(i)))
    day, cd, cov = datetime.date.fromisoformat(plan["date"]), plan.get("cooldown") or {}, plan.get("coverage_days", 0)
    recent = lambda p, days: sum(h["premises"] == p and 0 <= (day - datetime.date.fromisoformat(h["date"])).days < days for h in T["history"].values())
    strata, out = {}, {"key": K.hex(), "inputs": inputs.hex(), "plan_digest": H(plan_bytes).hex(), "roots": {n: r.hex() for n, r in roots.items()}, "strata": [], "selected": []}
    for i, a in T["premises"].items():  # scope, cooldown, stratum, overdue (v1 §5)
        if a.get("status") in ("inactive", "closed") or any(a.get(n, "") not in vs for n, vs in plan.get("scope", {}).items()): continue
        s = strata.setdefault(tuple(a.get(n, "") for n in plan["stratify"]), [[], 0])
        if cd.get("days") and cd.get("max") and recent(i, cd["days"]) >= cd["max"]: s[1] += 1
        else: s[0].append((0 if cov and not recent(i, cov) else 1, P(i), key(i), i))
    for values, (ranked, excluded) in sorted(strata.items(), key=lambda s: [key(v) for v in s[0]]):
        q = next((q for q in plan["quotas"] if all(dict(zip(plan["stratify"], values)).get(n) == v for n, v in q["match"].items())), None)
        k = q and min(len(ranked), max(q.get("min", 0), min(q.get("max") or math.inf, math.ceil(len(ranked) * ratio(q["ratio"]))))) or 0
        sel = [("random" if o else "overdue", p, i) for o, p, _, i in sorted(ranked)[:k]]
        out["strata"].append({"values": list(values), "eligible": len(ranked), "excluded": excluded, "quota": k, "threshold": next((hex16(p) for m, p, _ in sel[::-1] if m == "random"), None)})
        out["selected"] += [{"id": i, "priority": hex16(p), "mark": m} for m, p, i in sel]
    out["selected"] += [{"id": t["id"], "priority": hex16(P(t["id"])), "mark": "targeted"} for t in plan.get("targeted", []) if t["id"] not in {s["id"] for s in out["selected"]}]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir")
    g = ap.add_mutually_exclusive_group(required=True)
    g.add_argument("--dice", help="the dice digits read at the ceremony (at least 20)")
    g.add_argument("--hex", help="the seed bytes in hex")
    ap.add_argument("--blind", default="00" * 32, help="the blinding key of private attributes, 64 hex digits")
    ap.add_argument("--published", action="store_true", help="private attributes are already their digests")
    a = ap.parse_args()
    if a.dice is not None:
        digits = "".join(a.dice.split())
        if not digits.isdigit() or not digits.isascii() or len(digits) < 20: die("--dice: at least 20 decimal digits")
        seed = digits.encode()
    else:
        seed = bytes.fromhex(a.hex)
    plan_bytes = open(os.path.join(a.dir, "plan.json"), "rb").read()
    plan = json.loads(plan_bytes)
    if plan.get("protocol") == "doublerandom/v2":
        view = replay_v2(a.dir, plan, plan_bytes, seed, bytes.fromhex(a.blind), a.published)
    else:
        view = replay_v1(a.dir, plan, plan_bytes, seed)
    sys.stdout.write(json.dumps(view, indent=1) + "\n")


if __name__ == "__main__":
    main()
