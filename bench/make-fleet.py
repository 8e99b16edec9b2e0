#!/usr/bin/env python3
"""Generates a fleet of bare repositories of mixed sizes for bench/fleet.sh, and prints its
repository list (JSON Lines) on stdout.

Usage: make-fleet.py DIR N [SOURCE_DIR]

Each repository's files are real text: source, docs and config files read from SOURCE_DIR
(default: this repository's src/ and .ci/), edited commit by commit. Sizes follow
a long tail (most repositories have a few dozen commits, a few have thousands), as an
organisation's do. One in ten commits a synthetic Salesforce credential (generated here,
seeded: the right shape, never a real value); one in five of those is deleted again later.
Built with `git fast-import`, so 200 repositories take seconds.
"""
import json
import os
import random
import string
import subprocess
import sys


def pool(source):
    texts = []
    for root, _, files in os.walk(source):
        for f in sorted(files):
            if f.endswith((".rs", ".toml", ".md", ".py", ".sh", ".yml", ".yaml", ".json", ".txt")):
                p = os.path.join(root, f)
                try:
                    with open(p, "r", encoding="utf-8") as fh:
                        t = fh.read()
                except (UnicodeDecodeError, OSError):
                    continue
                if 0 < len(t) < 200_000:
                    texts.append((os.path.relpath(p, source), t))
    return texts


def credential(rng):
    alnum = string.ascii_letters + string.digits
    key = "3MVG9" + "".join(rng.choice(alnum + "._") for _ in range(80))
    secret = "".join(rng.choice("0123456789ABCDEF") for _ in range(64))
    return (
        f"SF_CLIENT_ID={key}\nSF_CLIENT_SECRET={secret}\n"
        "SF_TOKEN_URL=https://acme.my.salesforce.com/services/oauth2/token\n"
    )


def build(path, rng, texts, commits):
    subprocess.run(["git", "init", "-q", "--bare", path], check=True)
    env = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1")
    fi = subprocess.Popen(["git", "-C", path, "fast-import", "--quiet"], stdin=subprocess.PIPE, env=env)
    out = fi.stdin
    files = {}
    leak_at = rng.randrange(commits) if rng.random() < 0.1 else -1
    unleak_at = rng.randrange(leak_at + 1, commits + 1) if leak_at >= 0 and rng.random() < 0.2 else -1
    t0 = 1_600_000_000 + rng.randrange(10_000_000)
    for c in range(commits):
        out.write(b"commit refs/heads/main\n")
        stamp = t0 + c * 3600
        out.write(b"committer Dev <dev@example.com> %d +0000\n" % stamp)
        msg = f"change {c}".encode()
        out.write(b"data %d\n%s\n" % (len(msg), msg))
        for _ in range(rng.randint(1, 4)):
            name, text = rng.choice(texts)
            if name in files and rng.random() < 0.7:
                lines = files[name].splitlines(True)
                i = rng.randrange(len(lines) + 1)
                lines.insert(i, f"// edit {c}\n")
                text = "".join(lines)
            files[name] = text
            out.write(b"M 100644 inline %s\n" % name.encode())
            b = text.encode()
            out.write(b"data %d\n" % len(b))
            out.write(b)
            out.write(b"\n")
        if c == leak_at:
            out.write(b"M 100644 inline deploy/.env\n")
            b = credential(rng).encode()
            out.write(b"data %d\n" % len(b))
            out.write(b)
            out.write(b"\n")
        if c == unleak_at:
            out.write(b"D deploy/.env\n")
    out.close()
    if fi.wait() != 0:
        sys.exit(f"fast-import failed for {path}")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    dest, n = sys.argv[1], int(sys.argv[2])
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sources = [sys.argv[3]] if len(sys.argv) > 3 else [os.path.join(here, "src"), os.path.join(here, ".ci")]
    texts = [t for source in sources for t in pool(source)]
    if not texts:
        sys.exit(f"no text files under {sources}")
    rng = random.Random(18)
    os.makedirs(dest, exist_ok=True)
    for i in range(n):
        # long tail: lognormal commit counts, 2 .. 3000
        commits = max(2, min(3000, int(rng.lognormvariate(3.2, 1.3))))
        path = os.path.join(os.path.abspath(dest), f"repo-{i:03}.git")
        build(path, rng, texts, commits)
        size = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)
        print(json.dumps({
            "id": f"bench/repo-{i:03}", "clone_url": f"file://{path}", "default_branch": "main",
            "fork": False, "archived": False, "size_kb": size // 1024, "pushed_at": None,
        }))


main()
