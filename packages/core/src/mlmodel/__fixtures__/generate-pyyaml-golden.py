#!/usr/bin/env python3
"""Regenerates pyyaml-golden.json: inputs and the exact text yaml.safe_dump(value,
default_flow_style=False) writes for them (PyYAML 6). Run from this directory:

    python3 generate-pyyaml-golden.py

Encoding of inputs (JSON cannot tell 1 from 1.0 or hold shared objects):
  {"$float": "<repr>"}  a Python float          {"$int": "<digits>"}  an int beyond 2**53
  {"$ref": "<name>"}    the object case["shared"][name] (the same object every time)
"""
import glob
import json
import os
import random

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "..", "..", "..", "..", "shared", "fixtures", "mlmodel")

cases = []


def add(name, value, shared=None):
    cases.append({"name": name, "value": value, "shared": shared})


def F(x):
    return ("float", x)


# --- scalars --------------------------------------------------------------------------------
strings = [
    "", " ", "a", "abc", "yes", "Yes", "YES", "no", "No", "on", "Off", "true", "True", "FALSE",
    "y", "n", "Y", "N", "null", "Null", "NULL", "~", "nULL", "0", "1", "-1", "+1", "007", "08",
    "0x1F", "0b101", "0o17", "1_000", "1:30", "190:20:30", "1.0", "1.", ".5", "1e5", "1.0e5",
    "1.0e+5", "1.0e-05", "6.8523015e+5", ".inf", "-.inf", ".NaN", ".nan", "+.INF", "1.5:30",
    "2023-10-12", "2023-10-12 08:09:24.123456", "2023-10-12T08:09:24Z", "2023-1-2 3:04:05",
    "2023-10-12 08:09:24 +01:00", "2001-12-14t21:59:43.10-05:00", "2023-10-12x", "<<", "=", "!",
    "&", "*", "!a", "&a", "*a", "-", "--", "---", "---a", "...", "...a", "- a", "-a", "?", "? a",
    "?a", ":", ": a", ":a", "a:", "a: b", "a:b", "a :b", "#", "# a", "a#b", "a #b", "a# b",
    ",", "a,b", "[", "a[b]", "{", "a{b}", "}", "|", ">", "'", "\"", "a'b", "a\"b", "'a'", "%",
    "@", "`", "a%b", "a@b", "a`b", " a", "a ", " a ", "a  b", "a\tb", "\t", "a\n", "\na",
    "a\nb", "a\n\nb", "a \nb", "a\n b", "a\r\nb", "a\rb", "\x85", "a\x85b", "a\u2028b",
    "a\u2029b", "\ufeff", "a\ufeffb", "\x00", "\x07\x08\x1b", "\x7f", "\xa0", "caf\xe9",
    "\u00fc\u00f1\u00ee", "\u4e2d\u6587", "\U0001F600", "a\U0001F600b", "\ud7ff\ue000\ufffd",
    "\\", "a\\b", "C:\\path\\to", "http://example.com/a?b=c#d", "file:///E:/MSML/mlruns/1/models",
    "s3://bucket/key", "conda.yaml", "3.10.19", "2.7.1", "1.30.1", "14.3", "1", "8.3.x",
    "m-24f6f558223843919908d8568d516df0", "4d622e7b02614d1eb71f44eeb927be4f",
    "/Workspace/Users/x@y.com/Managed RAG/config.yml", "python_function", "loader_module",
    "a b c", "with: colon", "trailing colon:", "key: value # comment", "[1, 2]", "{a: 1}",
    "@decorator", "%TAG", "!!str", "?x", "-1.5", "+.5", "0.", "00", "0_0", "0b", "0x", "1__2",
    "1:60", "1:59", "-0", "+0", "0e0", "Infinity", "NaN", "nan", "inf",
]
for index, text in enumerate(strings):
    add(f"string {index} root", text)
    add(f"string {index} value", {"k": text})
    add(f"string {index} item", [text])
    add(f"string {index} key", {text: 1})

ints = [0, 1, -1, 42, 737, 28104889, 2**31, -(2**31), 2**53 - 1, 2**53, 2**63, -(2**64) - 5]
for value in ints:
    add(f"int {value}", {"v": value, "l": [value]})

floats = [0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 2.25, 1e-05, 1e-4, 0.0001, 0.00012, 1e16, 1e15,
          123456789012345.6, 9999999999999998.0, 1e17, 1.5e300, 5e-324, 1.7976931348623157e308,
          float("inf"), float("-inf"), float("nan"), 3.141592653589793, 1 / 3, 100.0, 1e22,
          -2.5e-10, 6.02e23, 0.30000000000000004, 12345.678]
for value in floats:
    add(f"float {value!r}", {"v": F(value), "l": [F(value)]})

add("bools and null", {"t": True, "f": False, "n": None, "l": [True, False, None]})
add("root int", 5)
add("root float", F(2.5))
add("root true", True)
add("root null", None)

# --- collections ----------------------------------------------------------------------------
add("empty map root", {})
add("empty list root", [])
add("empty collections", {"a": {}, "b": [], "c": [[], {}], "d": {"x": []}})
add("nested lists", [[1, 2], [[3]], [], [{"a": 1, "b": [1, 2]}], "x"])
add("list of maps", {"items": [{"name": "a", "v": 1}, {"name": "b", "v": [1, {"z": None}]}]})
add("map in list in map", {"a": [{"b": {"c": [1, 2]}, "d": "e"}]})
add("deep", {"a": {"b": {"c": {"d": {"e": {"f": ["g", {"h": "i"}]}}}}}})
add("key sorting", {"b": 1, "a": 2, "B": 3, "_": 4, "10": 5, "9": 6, "\xe9": 7, "z": 8,
                    "\U0001F600": 9, "\uff5e": 10, "aa": 11, "a a": 12, "": 13})
add("long keys", {"k" * 122: 1, "k" * 123: 2, "j" * 200: [1, 2], "m" * 130: {"a": "b"}})
add("multiline keys", {"a\nb": 1, "c d\ne": [1], "x\ty": 2})
add("odd keys", {"yes": 1, "1": 2, "null": 3, "": 4, " lead": 5, "a: b": 6, "-": 7, "- x": 8})

# --- long strings (folding at width 80) -----------------------------------------------------
words = "the quick brown fox jumps over the lazy dog".split()
rng = random.Random(7)
for length in [70, 75, 78, 79, 80, 81, 82, 85, 100, 160, 250, 400]:
    text = " ".join(rng.choice(words) for _ in range(length // 4))[:length]
    add(f"long plain {length}", {"key": text, "list": [text], "a": {"b": {"c": text}}})
    add(f"long quoted {length}", {"key": "'" + text, "list": ["#" + text]})
    add(f"long double {length}", {"key": text.replace("o", "\xf6"), "l": [text + "\t"]})
    add(f"long root {length}", text)
add("long no spaces", {"k": "x" * 200, "q": "'" + "x" * 200, "d": "\xe9" * 100})
add("long double spaces", {"k": "a  " * 40, "j": "\xe9 " * 60, "m": " " * 100,
                           "n": "\xe9" + " b" * 50 + "  c" * 20})
add("long multiline", {"k": ("line one is long " * 6 + "\n") * 3, "s": "a\n" * 5,
                       "t": ("x " * 50 + "\n\n") * 2, "u": "\n\nlead", "v": "trail\n\n"})
add("long with spaces before breaks", {"k": "abc \n def " * 10})
add("long single quotes", {"k": "it's " * 30})
add("long json", {"k": json.dumps([{"type": "double", "name": f"col_{i}", "required": True}
                                   for i in range(6)])})
add("long url", {"artifact_path": "file:///E:/MSML/mlruns/671465177757218371/models/"
                 "m-24f6f558223843919908d8568d516df0/artifacts/with a space/and more"})

# --- shared objects (anchors and aliases) -------------------------------------------------
add("shared list", {"a": ("ref", "x"), "b": ("ref", "x"), "c": [("ref", "x")]},
    {"x": [1, 2]})
add("shared map", [("ref", "m"), ("ref", "m"), {"k": ("ref", "m")}], {"m": {"p": "q"}})
add("shared empty", {"a": ("ref", "e"), "b": ("ref", "e")}, {"e": []})

# --- the signature strings and documents of the fixtures -----------------------------------
for path in sorted(glob.glob(os.path.join(FIXTURES, "*.MLmodel"))):
    with open(path) as handle:
        document = yaml.safe_load(handle)
    add(f"fixture {os.path.basename(path)}", document)
    signature = document.get("signature") or {}
    for key, text in sorted(signature.items()):
        if isinstance(text, str):
            add(f"fixture {os.path.basename(path)} signature {key}", text)
            add(f"fixture {os.path.basename(path)} signature {key} nested",
                {"signature": {key: text}})

# --- randomized cases ---------------------------------------------------------------------
alphabet = list("abcxyz012 9.-+:#,'\"[]{}!&*?|>%@`\\/_=~<\t\n") + [
    "\xe9", "\u4e2d", "\U0001F600", "\x85", "\u2028", "\xa0", "  ", ": ", " #", "yes", "null",
    "2023-01-01", "1.0", "---", "...",
]


def random_string(r):
    return "".join(r.choice(alphabet) for _ in range(r.choice([0, 1, 2, 3, 5, 8, 20, 40, 90])))


def random_value(r, depth):
    roll = r.random()
    if depth > 3 or roll < 0.55:
        kind = r.random()
        if kind < 0.7:
            return random_string(r)
        if kind < 0.8:
            return r.choice([0, 1, -7, 123456, 2**40])
        if kind < 0.9:
            return F(r.choice([0.5, 1.0, -2.0, 1e-7, 1e20, 3.25, float("inf")]))
        return r.choice([True, False, None])
    if roll < 0.8:
        return [random_value(r, depth + 1) for _ in range(r.randint(0, 4))]
    result = {}
    for _ in range(r.randint(0, 4)):
        key = random_string(r)
        if key.startswith("$"):
            continue
        result[key] = random_value(r, depth + 1)
    return result


r = random.Random(20240601)
for index in range(400):
    add(f"random {index}", random_value(r, 0))
for index in range(200):
    add(f"random string {index}", {"k": random_string(r) * r.choice([1, 3, 6])})


# --- encode -------------------------------------------------------------------------------
def to_python(value, shared):
    if isinstance(value, tuple) and value[0] == "float":
        return value[1]
    if isinstance(value, tuple) and value[0] == "ref":
        return shared[value[1]]
    if isinstance(value, list):
        return [to_python(item, shared) for item in value]
    if isinstance(value, dict):
        return {key: to_python(item, shared) for key, item in value.items()}
    return value


def to_json(value):
    if isinstance(value, tuple) and value[0] == "float":
        return {"$float": repr(value[1])}
    if isinstance(value, tuple) and value[0] == "ref":
        return {"$ref": value[1]}
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int) and abs(value) > 2**53:
        return {"$int": str(value)}
    if isinstance(value, float):
        return {"$float": repr(value)}
    if isinstance(value, list):
        return [to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: to_json(item) for key, item in value.items()}
    return value


golden = []
for case in cases:
    raw_shared = case["shared"] or {}
    shared = {name: to_python(value, {}) for name, value in raw_shared.items()}
    python_value = to_python(case["value"], shared)
    entry = {
        "name": case["name"],
        "input": to_json(case["value"]),
        "output": yaml.safe_dump(python_value, default_flow_style=False),
    }
    if raw_shared:
        entry["shared"] = {name: to_json(value) for name, value in raw_shared.items()}
    golden.append(entry)

with open(os.path.join(HERE, "pyyaml-golden.json"), "w") as handle:
    json.dump({"generator": "yaml.safe_dump(value, default_flow_style=False)",
               "pyyaml": yaml.__version__, "cases": golden}, handle, indent=1, ensure_ascii=True)
    handle.write("\n")
print(len(golden), "cases")
