#!/usr/bin/env python3
"""Reference verifier for a warroom timeline export (docs/chain.md), standard library only.

    python3 verify_export.py EXPORT.json ed25519:<base64 public key>

Exit 0 intact, 1 tampered (the first problem is printed), 2 bad usage or input.
"""
import base64, hashlib, json, sys

def canon(obj):  # the JSON rules of the canonical entry: Go's encoding/json, HTML escaping off
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return s.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").encode()

# Ed25519 signature check (RFC 8032, section 5.1.7), small and slow, for reference only.
P = 2**255 - 19; L = 2**252 + 27742317777372353535851937790883648493
D = -121665 * pow(121666, P - 2, P) % P; I = pow(2, (P - 1) // 4, P)
def add(a, b):
    (x1, y1, z1, t1), (x2, y2, z2, t2) = a, b
    A, B = (y1 - x1) * (y2 - x2) % P, (y1 + x1) * (y2 + x2) % P
    C, Dd = 2 * t1 * t2 * D % P, 2 * z1 * z2 % P
    E, F, G, H = B - A, Dd - C, Dd + C, B + A
    return (E * F % P, G * H % P, F * G % P, E * H % P)
def mul(s, p):
    q = (0, 1, 1, 0)
    while s:
        if s & 1: q = add(q, p)
        p, s = add(p, p), s >> 1
    return q
def point(b):
    y = int.from_bytes(b, "little") & ((1 << 255) - 1)
    if y >= P: return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    x = pow(x2, (P + 3) // 8, P)
    if (x * x - x2) % P: x = x * I % P
    if (x * x - x2) % P or (x == 0 and b[31] >> 7): return None
    if x & 1 != b[31] >> 7: x = P - x
    return (x, y, 1, x * y % P)
def same(a, b): return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0
GY = 4 * pow(5, P - 2, P) % P; G = point(GY.to_bytes(32, "little"))
def ed25519_ok(pub, msg, sig):
    A, R = point(pub), point(sig[:32])
    s = int.from_bytes(sig[32:], "little")
    if A is None or R is None or s >= L or len(sig) != 64: return False
    h = int.from_bytes(hashlib.sha512(sig[:32] + pub + msg).digest(), "little") % L
    return same(mul(s, G), add(R, mul(h, A)))

def verify(doc, pub):
    inc, prev, hashes, redacted, announced, v2 = doc["incident"], "0" * 64, {}, set(), set(), False
    for i, e in enumerate(doc["entries"], 1):
        if e["seq"] != i: return "entry %d is missing or out of order" % i
        if e.get("v") == 2:
            v2 = True
            if not e.get("redacted"):
                commit = hashlib.sha256(bytes.fromhex(e["salt"]) + e["text"].encode()).hexdigest()
                if commit != e["text_commit"]: return "entry %d: text does not match text_commit" % i
            c = {"v": 2, "incident": inc, "seq": i, "at": e["at"], "occurred_at": e["occurred_at"],
                 "actor": e["actor"], "kind": e["kind"], "data": e["data"], "text_commit": e["text_commit"]}
        else:
            if v2: return "entry %d claims version 1 after version 2 entries" % i
            c = {"incident": inc, "seq": i, "at": e["at"], "occurred_at": e["occurred_at"],
                 "actor": e["actor"], "kind": e["kind"], "text": e["text"]}
        if (e.get("v") == 2 or not e.get("redacted")) and hashlib.sha256(canon(c)).hexdigest() != e["digest"]:
            return "entry %d was altered" % i
        prev = hashlib.sha256((prev + e["digest"]).encode()).hexdigest()
        if prev != e["hash"]: return "entry %d does not link to entry %d" % (i, i - 1)
        hashes[i] = prev
        if e.get("redacted"):
            if e["kind"] == "redaction": return "entry %d: a redaction cannot be redacted" % i
            redacted.add(i)
        elif e["kind"] == "redaction":
            target = e["data"].get("seq") if e.get("v") == 2 else int(e["text"].split(" ")[2].rstrip(":"))
            if isinstance(target, int) and target < i: announced.add(target)
    if redacted - announced: return "entry %d is redacted without a later redaction naming it" % min(redacted - announced)
    for cp in doc["checkpoints"]:
        msg = canon({"incident": inc, "seq": cp["seq"], "hash": cp["hash"], "at": cp["at"]})
        if not ed25519_ok(pub, msg, base64.b64decode(cp["sig"])): return "checkpoint at entry %d: bad signature" % cp["seq"]
        if hashes.get(cp["seq"]) != cp["hash"]: return "the chain does not pass through the checkpoint at entry %d" % cp["seq"]
    return None

if __name__ == "__main__":
    if len(sys.argv) != 3 or not sys.argv[2].startswith("ed25519:"):
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8") as f:
        doc = json.load(f)
    problem = verify(doc, base64.b64decode(sys.argv[2][len("ed25519:"):]))
    if problem:
        print("%s: TAMPERED: %s" % (doc["incident"], problem)); sys.exit(1)
    print("%s: intact, %d entries, %d signed checkpoints" % (doc["incident"], len(doc["entries"]), len(doc["checkpoints"])))
